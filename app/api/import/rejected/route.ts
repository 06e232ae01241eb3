import fs from "node:fs";
import { Readable } from "node:stream";
import { z } from "zod";
import { refusal } from "@/server/http/request";
import { sessionRoute } from "@/server/http/route";
import { contentDisposition } from "@/server/services/export-file";
import { rejectedRows } from "@/server/services/import-upload";

/**
 * GET /api/import/rejected?id=<uploadId>: the rejected rows of an import made on the admin page, as
 * CSV (UTF-8 with BOM, the file's headers plus 错误原因), for the administrator who uploaded it.
 * Audited. 404 for anyone else's upload or one already swept (a day on).
 */

export const dynamic = "force-dynamic";

export const GET = sessionRoute(
  { name: "import/rejected", sameOrigin: true, roles: ["admin"] },
  async (req: Request, ctx): Promise<Response> => {
    const id = z.uuid().safeParse(new URL(req.url).searchParams.get("id"));
    if (!id.success) return refusal(req.headers, 400, "errors.badRequest");
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
  },
);
