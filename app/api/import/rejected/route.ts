import fs from "node:fs";
import { Readable } from "node:stream";
import { z } from "zod";
import { createContext } from "@/server/context";
import { AppError, HTTP_STATUS } from "@/server/errors";
import { isSameOrigin, refusal } from "@/server/http/request";
import { logError } from "@/server/log";
import { contentDisposition } from "@/server/services/export-file";
import { rejectedRows } from "@/server/services/import-upload";

/**
 * GET /api/import/rejected?id=<uploadId>: the rejected rows of an import made on the admin page, as
 * CSV (UTF-8 with BOM, the file's headers plus 错误原因), for the administrator who uploaded it.
 * Audited. 404 for anyone else's upload or one already swept (a day on).
 */

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  const { headers } = req;
  if (!isSameOrigin(headers)) return refusal(headers, 403, "errors.crossSite");
  try {
    const ctx = await createContext(headers, new Headers());
    if (!ctx.user) return refusal(headers, 401, "auth.required");
    if (ctx.user.role !== "admin") return refusal(headers, 403, "auth.forbidden");
    const id = z.uuid().safeParse(new URL(req.url).searchParams.get("id"));
    if (!id.success) return refusal(headers, 400, "errors.badRequest");
    const file = await rejectedRows(ctx.db, ctx.user, id.data);
    return new Response(Readable.toWeb(fs.createReadStream(file.path)) as unknown as BodyInit, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": contentDisposition({
          fileName: file.name,
          asciiFileName: `rejected-${id.data.slice(0, 8)}.csv`,
        }),
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    if (error instanceof AppError) return refusal(headers, HTTP_STATUS[error.kind], error.key, error.params);
    logError("import/rejected", error);
    return refusal(headers, 500, "errors.internal");
  }
}
