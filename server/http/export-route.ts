import "server-only";
import type { z } from "zod";
import type { Role } from "@/domain/auth";
import { createTranslator, type Locale, type Translate } from "@/domain/i18n";
import type { SessionUser } from "../services/auth";
import { contentDisposition, type ExportFile } from "../services/export-file";
import type { Context } from "../trpc";
import { refusal } from "./request";
import { sessionRoute } from "./route";

export interface ExportRun<Q> {
  db: Context["db"];
  /** Where the file's rows are read (Context.readDb); the audit row goes to `db`. */
  readDb: Context["readDb"];
  user: SessionUser;
  query: Q;
  now: Date;
  ip: string;
  locale: Locale;
  translate: Translate;
}

/**
 * A GET handler for a file export (see `sessionRoute`): same-origin only (a download writes an audit
 * row, so another site must not be able to make a browser do it), a session with one of `roles`, the
 * query checked by `schema`. Refusals are JSON `{ error: { key, message } }` in the caller's
 * language: 401 without a session, 403 for another role or a cross-site request, 404 for an object
 * outside the caller's area, 400 for a malformed query. The file goes out private and uncached.
 */
export function exportRoute<S extends z.ZodType>(
  name: string,
  roles: readonly Role[],
  schema: S,
  run: (input: ExportRun<z.output<S>>) => Promise<ExportFile>,
): (req: Request) => Promise<Response> {
  return sessionRoute({ name: `export/${name}`, sameOrigin: true, roles }, async (req, ctx) => {
    // An empty parameter (campaignId=) means "not given".
    const params = Object.fromEntries([...new URL(req.url).searchParams].filter(([, value]) => value !== ""));
    const parsed = schema.safeParse(params);
    if (!parsed.success) return refusal(req.headers, 400, "errors.badRequest");
    const file = await run({
      db: ctx.db,
      readDb: ctx.readDb,
      user: ctx.user,
      query: parsed.data,
      now: ctx.now,
      ip: ctx.ip,
      locale: ctx.locale,
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
  });
}
