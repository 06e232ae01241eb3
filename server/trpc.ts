import "server-only";
import "@/domain/i18n/all";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Db, DbKind } from "@/db/client";
import type { Role } from "@/domain/auth";
import { createTranslator, DEFAULT_LOCALE, hasMessage, type Locale, type MessageKey } from "@/domain/i18n";
import { issueMessage } from "@/domain/i18n/issues";
import type { Env } from "./env";
import { AppError } from "./errors";
import { MAX_BODY_BYTES } from "./http/request";
import type { SessionUser } from "./services/auth";

export interface Context {
  db: Db;
  /** Reads that may lag behind the primary (see Database.readDb): never for a write or a read-your-write. */
  readDb: Db;
  dbKind: DbKind;
  env: Env;
  user: SessionUser | null;
  sessionTokenHash: string | null;
  locale: Locale;
  ip: string;
  userAgent: string | null;
  /** Response headers the procedure may add to (Set-Cookie). */
  resHeaders: Headers;
  secureCookies: boolean;
  /** The browser's device cookie (login only reads it). */
  deviceToken: string | undefined;
  now: Date;
}

function errorKey(error: TRPCError): { key: MessageKey; params?: Record<string, string | number> } {
  if (error.cause instanceof AppError) return { key: error.cause.key, params: error.cause.params };
  if (error.cause instanceof ZodError) return { key: "errors.badRequest" };
  switch (error.code) {
    case "NOT_FOUND":
      return { key: "errors.unknownProcedure" };
    case "PARSE_ERROR":
    case "BAD_REQUEST":
      return { key: "errors.badRequest" };
    case "UNAUTHORIZED":
      return { key: "auth.required" };
    case "FORBIDDEN":
      return { key: "auth.forbidden" };
    case "PAYLOAD_TOO_LARGE":
      return { key: "errors.tooLarge", params: { mb: MAX_BODY_BYTES / (1024 * 1024) } };
    case "UNSUPPORTED_MEDIA_TYPE":
      return { key: "errors.notJson" };
    case "METHOD_NOT_SUPPORTED":
      return { key: "errors.badRequest" };
    default:
      return hasMessage(error.message) ? { key: error.message } : { key: "errors.internal" };
  }
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error, ctx }) {
    const translate = createTranslator(ctx?.locale ?? DEFAULT_LOCALE);
    const { key, params } = errorKey(error);
    const fieldErrors: Record<string, string> = {};
    if (error.cause instanceof ZodError) {
      for (const issue of error.cause.issues) {
        const path = issue.path.join(".") || "_";
        const message = issueMessage(issue);
        fieldErrors[path] ??= translate(message.key, message.params);
      }
    }
    // No stack and no internal message ever leave the server.
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, message: translate(key, params), data: { ...data, key, fieldErrors } };
  },
});

/** Services throw AppError; this turns it into the matching tRPC error so the HTTP status fits. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    throw new TRPCError({
      code: result.error.cause.kind,
      message: result.error.cause.key,
      cause: result.error.cause,
    });
  }
  return result;
});

/**
 * Text PostgreSQL cannot store: a NUL (refused in text and jsonb), or half of a UTF-16 surrogate pair
 * (JSON writes it as a lone "\ud800" escape, which jsonb refuses; as text it would become U+FFFD). In
 * a `u` regular expression \p{Cs} matches only a surrogate that has no partner.
 */
const unstorable = (text: string) => text.includes("\u0000") || /\p{Cs}/u.test(text);

/** Whether unstorable text hides anywhere in a value, keys included. */
function hasUnstorable(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return unstorable(value);
  if (depth > 64 || value === null || typeof value !== "object") return false;
  for (const [key, inner] of Object.entries(value))
    if (unstorable(key) || hasUnstorable(inner, depth + 1)) return true;
  return false;
}

/**
 * A NUL or a lone surrogate reaching a query fails it as a server error (found by
 * test/server/fuzz.test.ts, and a login name's lone surrogate failing the audit row's jsonb). No form
 * can type either, so any input holding one is refused up front as malformed.
 */
const noNul = t.middleware(async ({ path, getRawInput, next }) => {
  const input = await getRawInput();
  // A push's mutations are judged one by one (push.ts refuses unstorable text in one of them alone):
  // refusing the whole batch here would block every mutation queued behind it on the phone.
  const checked =
    path === "sync.push" && input && typeof input === "object" && "mutations" in input
      ? { ...(input as Record<string, unknown>), mutations: [] }
      : input;
  if (hasUnstorable(checked)) throw new TRPCError({ code: "BAD_REQUEST", message: "errors.badRequest" });
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(appErrors).use(noNul);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "auth.required" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export function roleProcedure(...roles: Role[]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.user.role)) throw new TRPCError({ code: "FORBIDDEN", message: "auth.forbidden" });
    return next();
  });
}
