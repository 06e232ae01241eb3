import { z } from "zod";
import { createTranslator } from "@/domain/i18n";
import { readEnv } from "@/server/env";
import { declaresOver, refusal } from "@/server/http/request";
import { sessionRoute } from "@/server/http/route";
import { saveUpload, uploadName } from "@/server/services/import-upload";
import { uploadTargetFile } from "@/server/services/target-file";

/**
 * POST /api/target-files?campaign=<uuid>&name=<file name>, a department's returned XLSX/CSV as the raw
 * body (administrators, for a returned-file campaign wholly in their area). 200 with the row-level
 * report (domain/target-file.ts TargetFileReport) once its targets are made. Refusals are JSON
 * `{ error: { key, message } }`: 400 for a bad query, a file type the import does not read, an empty
 * file or one without the 变动类型 column, a campaign of another kind; 404 for a campaign outside the
 * caller's area; 409 for a closed campaign; 413 over the import's size limit.
 */

export const dynamic = "force-dynamic";

const query = z.object({ campaign: z.uuid(), name: z.string().max(255) });

export const POST = sessionRoute(
  { name: "target-files", sameOrigin: true, roles: ["admin"] },
  async (req: Request, ctx): Promise<Response> => {
    const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!parsed.success) return refusal(req.headers, 400, "errors.badRequest");
    const maxBytes = readEnv().importMaxBytes;
    if (declaresOver(req.headers, maxBytes))
      return refusal(req.headers, 413, "importPage.tooLarge", { mb: maxBytes >> 20 });
    const name = uploadName(parsed.data.name);
    const upload = await saveUpload(ctx.user, name, req.body, maxBytes);
    const report = await uploadTargetFile(
      ctx.db,
      ctx.user,
      { campaignId: parsed.data.campaign, upload, fileName: name },
      { now: ctx.now, ip: ctx.ip, translate: createTranslator(ctx.locale) },
    );
    return Response.json(report, { headers: { "cache-control": "no-store" } });
  },
);
