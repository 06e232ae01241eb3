import { z } from "zod";
import { createTranslator } from "@/domain/i18n";
import { IMPORT_KINDS } from "@/domain/import";
import { readEnv } from "@/server/env";
import { AppError } from "@/server/errors";
import { declaresOver, refusal } from "@/server/http/request";
import { sessionRoute } from "@/server/http/route";
import { logError } from "@/server/log";
import { importSaved, saveUpload, type UploadedImport, uploadName } from "@/server/services/import-upload";

/**
 * POST /api/import?kind=persons|buildings|rooms|units|rentals&dryRun=0|1&name=<file name>, the file as the raw body (administrators).
 * Refusals before the import starts are JSON `{ error: { key, message } }`: 401 without a session, 403
 * for other roles or a cross-site request, 400 for a bad query, a file type the engine does not read or
 * an empty body, 413 for a file over DOORSTEP_IMPORT_MAX_MB (declared, or counted as it arrives: the
 * file is saved before the answer starts). Then the answer is NDJSON, a line per event as the import
 * goes: `{"type":"progress",…}`, and last `{"type":"report","report":…}` (rejected rows as a file from
 * /api/import/rejected?id=<report.uploadId>) or `{"type":"error","error":{key,message}}`.
 */

export const dynamic = "force-dynamic";

const query = z.object({
  kind: z.enum(IMPORT_KINDS),
  dryRun: z.enum(["0", "1"]).default("0"),
  name: z.string().max(255).optional(),
});

export const POST = sessionRoute(
  { name: "import", sameOrigin: true, roles: ["admin"] },
  async (req: Request, ctx): Promise<Response> => {
    const { headers } = req;
    const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!parsed.success) return refusal(headers, 400, "errors.badRequest");
    const user = ctx.user;
    const t = createTranslator(ctx.locale);
    const maxBytes = readEnv().importMaxBytes;
    const name = uploadName(parsed.data.name ?? null);
    if (declaresOver(headers, maxBytes)) {
      throw new AppError("PAYLOAD_TOO_LARGE", "importPage.tooLarge", { mb: maxBytes >> 20 });
    }
    // The file is saved before the answer starts, so a refused upload gets its own status.
    let upload: UploadedImport;
    try {
      upload = await saveUpload(user, name, req.body, maxBytes);
    } catch (error) {
      // The admin's browser went away during the upload: nothing was imported, no one reads an answer,
      // and there is nothing to log.
      if (req.signal.aborted && !(error instanceof AppError))
        return refusal(headers, 400, "errors.badRequest");
      throw error;
    }
    const encoder = new TextEncoder();
    // The admin's page can go away at any moment (a closed tab, a lost network); Next then cancels this
    // stream. From then on nothing is sent (enqueueing on a cancelled stream throws "Controller is already
    // closed", which used to end the import without its audit entry), and the import is asked to stop at
    // its next batch: the batches committed stay, and its audit entry says it was cancelled.
    const stop = new AbortController();
    let open = true;
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (event: unknown) => {
          if (open) controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        };
        try {
          const report = await importSaved(ctx.db, user, upload, {
            kind: parsed.data.kind,
            dryRun: parsed.data.dryRun === "1",
            name: parsed.data.name ?? null,
            translate: t,
            signal: stop.signal,
            onProgress: (progress) => send({ type: "progress", ...progress }),
          });
          send({ type: "report", report });
        } catch (error) {
          if (error instanceof AppError) {
            send({ type: "error", error: { key: error.key, message: t(error.key, error.params) } });
          } else {
            logError("import", error);
            send({ type: "error", error: { key: "errors.internal", message: t("errors.internal") } });
          }
        }
        if (open) {
          open = false;
          controller.close();
        }
      },
      cancel() {
        open = false;
        stop.abort();
      },
    });
    return new Response(stream, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  },
);
