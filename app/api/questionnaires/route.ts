import { z } from "zod";
import { createTranslator } from "@/domain/i18n";
import { QUESTIONNAIRE_MAX_BYTES } from "@/domain/questionnaire";
import { declaresOver, readCapped, refusal } from "@/server/http/request";
import { sessionRoute } from "@/server/http/route";
import { contentDisposition } from "@/server/services/export-file";
import { downloadQuestionnaire, uploadQuestionnaire } from "@/server/services/questionnaires";

/**
 * POST /api/questionnaires?campaign=<uuid>&name=<file name>, the XLSX as the raw body (administrators,
 * for a campaign wholly in their area). 200 `{ ok: true, version, title, questions, … }` when it became
 * the campaign's draft (previewed, then published or discarded through campaign.publishQuestionnaire
 * and campaign.discardQuestionnaireDraft; a draft already there is replaced); 422 `{ ok: false, problems: [{ sheet, row, column, cell, message }] }`
 * listing every problem (nothing stored). Refusals are JSON `{ error: { key, message } }`: 400 for a
 * bad query, a name not ending .xlsx or a file that is no workbook, 404 for a campaign outside the
 * caller's area, 409 for a closed campaign, 413 over QUESTIONNAIRE_MAX_BYTES (declared or counted).
 *
 * GET /api/questionnaires?campaign=<uuid>&version=<n> (administrators and supervisors whose area
 * touches the campaign): that version as an XLSForm workbook that uploads again to the same
 * definition. 404 for a campaign outside the caller's area or a version it does not have.
 */

export const dynamic = "force-dynamic";

const query = z.object({
  campaign: z.uuid(),
  name: z
    .string()
    .max(255)
    .regex(/\.xlsx$/i),
});

export const POST = sessionRoute(
  { name: "questionnaires", sameOrigin: true, roles: ["admin"] },
  async (req: Request, ctx): Promise<Response> => {
    const { headers } = req;
    const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!parsed.success) return refusal(headers, 400, "questionnaireUpload.badType");
    const tooLarge = () =>
      refusal(headers, 413, "questionnaireUpload.tooLarge", { mb: QUESTIONNAIRE_MAX_BYTES / (1024 * 1024) });
    if (declaresOver(headers, QUESTIONNAIRE_MAX_BYTES)) return tooLarge();
    const bytes = await readCapped(req, QUESTIONNAIRE_MAX_BYTES);
    if (!bytes) return tooLarge();
    // Only the base name is kept, as the audit and the campaign view show it.
    const fileName = parsed.data.name.replace(/\\/g, "/").split("/").pop() as string;
    const result = await uploadQuestionnaire(
      ctx.db,
      ctx.user,
      { campaignId: parsed.data.campaign, fileName, bytes },
      { now: ctx.now, ip: ctx.ip, translate: createTranslator(ctx.locale) },
    );
    return Response.json(result, { status: result.ok ? 200 : 422, headers: { "cache-control": "no-store" } });
  },
);

const downloadQuery = z.object({
  campaign: z.uuid(),
  version: z.coerce.number().int().min(1).max(1_000_000),
});

export const GET = sessionRoute(
  { name: "questionnaires", sameOrigin: true, roles: ["admin", "supervisor"] },
  async (req: Request, ctx): Promise<Response> => {
    const parsed = downloadQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!parsed.success) return refusal(req.headers, 400, "errors.badRequest");
    const file = await downloadQuestionnaire(
      ctx.db,
      ctx.user,
      { campaignId: parsed.data.campaign, version: parsed.data.version },
      { now: ctx.now, ip: ctx.ip },
    );
    return new Response(file.bytes as BodyInit, {
      headers: {
        "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "content-disposition": contentDisposition(file),
        "cache-control": "no-store",
      },
    });
  },
);
