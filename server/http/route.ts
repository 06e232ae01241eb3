import "server-only";
import type { Role } from "@/domain/auth";
import type { MessageKey, MessageParams } from "@/domain/i18n";
import { createContext } from "../context";
import { AppError, HTTP_STATUS } from "../errors";
import { logError } from "../log";
import type { SessionUser } from "../services/auth";
import type { Context } from "../trpc";
import { isSameOrigin, refusal } from "./request";

/** A request's context once the route has let it in: someone is signed in. */
export type RouteContext = Context & { user: SessionUser };

export interface RouteOptions {
  /** Names the route in the server's log, before an error nobody expected: `[name]` (see ../log.ts). */
  name: string;
  /**
   * Refuse another site's request (403) before anything is read: for a route that writes, or whose
   * read is audited, so another site cannot make a signed-in browser do it.
   */
  sameOrigin: boolean;
  /** The roles let in (403 for the others); any signed-in user when omitted. */
  roles?: readonly Role[];
  /** Refusals without a body, uncached (for HEAD, which has none to give). */
  bodyless?: boolean;
}

const NO_STORE = { "cache-control": "no-store" };

/**
 * A route handler behind the checks every non-tRPC route makes, in this order: same origin (when
 * asked), a session (401), a role (403). An AppError thrown by the handler becomes the status the tRPC
 * adapter gives its kind; anything else is logged and answered 500. Refusals are JSON
 * `{ error: { key, message } }` in the caller's language (see `refusal`). Arguments after the request
 * (a dynamic route's params) are handed on.
 */
export function sessionRoute<A extends unknown[]>(
  options: RouteOptions,
  handler: (req: Request, ctx: RouteContext, ...rest: A) => Promise<Response>,
): (req: Request, ...rest: A) => Promise<Response> {
  return guarded(options, true, handler as (req: Request, ctx: Context, ...rest: A) => Promise<Response>);
}

/**
 * sessionRoute's checks and answers for a request that proves something else than a session (a
 * phone's device by its contact token, which the handler checks): same origin (when asked), no 401.
 */
export function sessionlessRoute<A extends unknown[]>(
  options: Omit<RouteOptions, "roles">,
  handler: (req: Request, ctx: Context, ...rest: A) => Promise<Response>,
): (req: Request, ...rest: A) => Promise<Response> {
  return guarded(options, false, handler);
}

function guarded<A extends unknown[]>(
  options: RouteOptions,
  needsSession: boolean,
  handler: (req: Request, ctx: Context, ...rest: A) => Promise<Response>,
): (req: Request, ...rest: A) => Promise<Response> {
  return async (req, ...rest) => {
    const { headers } = req;
    const refuse = (status: number, key: MessageKey, params?: MessageParams) =>
      options.bodyless
        ? new Response(null, { status, headers: NO_STORE })
        : refusal(headers, status, key, params);
    if (options.sameOrigin && !isSameOrigin(headers)) return refuse(403, "errors.crossSite");
    try {
      const ctx = await createContext(headers, new Headers());
      if (needsSession) {
        if (!ctx.user) return refuse(401, "auth.required");
        if (options.roles && !options.roles.includes(ctx.user.role)) return refuse(403, "auth.forbidden");
      }
      return await handler(req, ctx, ...rest);
    } catch (error) {
      if (error instanceof AppError) return refuse(HTTP_STATUS[error.kind], error.key, error.params);
      // Without what a failed statement carried (names, ID numbers): see ../log.ts.
      logError(options.name, error);
      return refuse(500, "errors.internal");
    }
  };
}
