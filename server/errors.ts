import type { MessageKey, MessageParams } from "@/domain/i18n";

export type AppErrorKind =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_MANY_REQUESTS";

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
