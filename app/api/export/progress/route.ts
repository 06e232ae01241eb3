import { z } from "zod";
import { createTranslator } from "@/domain/i18n";
import { createContext } from "@/server/context";
import { AppError, HTTP_STATUS } from "@/server/errors";
import { isSameOrigin, refusal } from "@/server/http/request";
import { contentDisposition, exportProgress } from "@/server/services/progress";

/**
 * GET /api/export/progress?format=csv|xlsx&campaignId=<uuid>&areaId=<uuid>[&table=grids|officers|days]
 * The supervisor's progress report as a file: the same service and numbers as the progress screen,
 * headers in the caller's language (the locale cookie), cut to the caller's area. CSV is UTF-8 with a
 * byte-order mark and holds the three tables (or the one named by `table`); XLSX has one sheet each.
 * Every export is written to the audit log. Refusals are JSON `{ error: { key, message } }`:
 * 401 without a session, 403 for officers or a cross-site request, 404 for an area or campaign
 * outside the caller's, 400 for a malformed query.
 */

export const dynamic = "force-dynamic";

const query = z.object({
  format: z.enum(["csv", "xlsx"]),
  campaignId: z.uuid().optional(),
  areaId: z.uuid().optional(),
  table: z.enum(["grids", "officers", "days"]).optional(),
});

export async function GET(req: Request): Promise<Response> {
  const { headers } = req;
  // A download writes an audit row: another site must not be able to make a browser do it.
  if (!isSameOrigin(headers)) return refusal(headers, 403, "errors.crossSite");
  try {
    const ctx = await createContext(headers, new Headers());
    if (!ctx.user) return refusal(headers, 401, "auth.required");
    if (ctx.user.role !== "supervisor" && ctx.user.role !== "admin") {
      return refusal(headers, 403, "auth.forbidden");
    }
    // An empty parameter (campaignId=) means "not given".
    const params = Object.fromEntries([...new URL(req.url).searchParams].filter(([, value]) => value !== ""));
    const parsed = query.safeParse(params);
    if (!parsed.success) return refusal(headers, 400, "errors.badRequest");
    const file = await exportProgress(ctx.db, ctx.user, parsed.data, {
      now: ctx.now,
      ip: ctx.ip,
      translate: createTranslator(ctx.locale),
    });
    return new Response(file.body as unknown as BodyInit, {
      headers: {
        "content-type": file.contentType,
        "content-disposition": contentDisposition(file),
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    if (error instanceof AppError) return refusal(headers, HTTP_STATUS[error.kind], error.key, error.params);
    console.error("[export/progress]", error);
    return refusal(headers, 500, "errors.internal");
  }
}
