import "server-only";
import type { MessageKey, MessageParams } from "@/domain/i18n";

export type AppErrorKind =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "TOO_MANY_REQUESTS";

/** The HTTP status of each kind, for route handlers that answer outside tRPC. */
export const HTTP_STATUS: Record<AppErrorKind, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
};

/** A refusal a user can act on: a kind (the HTTP family) and a catalogue key, translated at the edge. */
export class AppError extends Error {
  constructor(
    readonly kind: AppErrorKind,
    readonly key: MessageKey,
    readonly params?: MessageParams,
  ) {
    super(key);
    this.name = "AppError";
  }
}

/** Out of scope and missing look the same, so ids outside one's area reveal nothing. */
export const notFound = () => new AppError("NOT_FOUND", "errors.notFound");
