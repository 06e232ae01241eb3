import "server-only";
import type { z } from "zod";
import { createTranslator, type Locale, type Translate } from "@/domain/i18n";
import { createContext } from "../context";
import { AppError, HTTP_STATUS } from "../errors";
import { logError } from "../log";
import type { Role, SessionUser } from "../services/auth";
import { contentDisposition, type ExportFile } from "../services/export-file";
import type { Context } from "../trpc";
import { isSameOrigin, refusal } from "./request";

export interface ExportRun<Q> {
  db: Context["db"];
  user: SessionUser;
  query: Q;
  now: Date;
  ip: string;
  locale: Locale;
  translate: Translate;
}

/**
 * A GET handler for a file export: same-origin only (a download writes an audit row, so another site
 * must not be able to make a browser do it), a session with one of `roles`, the query checked by
 * `schema`. Refusals are JSON `{ error: { key, message } }` in the caller's language: 401 without a
 * session, 403 for another role or a cross-site request, 404 for an object outside the caller's
 * area, 400 for a malformed query. The file goes out private and uncached.
 */
export function exportRoute<S extends z.ZodType>(
  name: string,
  roles: readonly Role[],
  schema: S,
  run: (input: ExportRun<z.output<S>>) => Promise<ExportFile>,
): (req: Request) => Promise<Response> {
  return async (req) => {
    const { headers } = req;
    if (!isSameOrigin(headers)) return refusal(headers, 403, "errors.crossSite");
    try {
      const ctx = await createContext(headers, new Headers());
      if (!ctx.user) return refusal(headers, 401, "auth.required");
      if (!roles.includes(ctx.user.role)) return refusal(headers, 403, "auth.forbidden");
      // An empty parameter (campaignId=) means "not given".
      const params = Object.fromEntries(
        [...new URL(req.url).searchParams].filter(([, value]) => value !== ""),
      );
      const parsed = schema.safeParse(params);
      if (!parsed.success) return refusal(headers, 400, "errors.badRequest");
      const file = await run({
        db: ctx.db,
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
    } catch (error) {
      if (error instanceof AppError)
        return refusal(headers, HTTP_STATUS[error.kind], error.key, error.params);
      logError(`export/${name}`, error);
      return refusal(headers, 500, "errors.internal");
    }
  };
}
