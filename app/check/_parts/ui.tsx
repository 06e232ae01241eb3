"use client";

import type { MessageKey, MessageParams } from "@/domain/i18n";

/** A message key with its parameters, translated where it is shown. */
export type Message = { key: MessageKey | (string & {}); params?: MessageParams };

/** A white card; a little less padding on the narrowest phones, where large text needs the room. */
export const CARD = "rounded-2xl bg-white p-3 shadow-sm min-[360px]:p-4";

export const INPUT_CLASS =
  "min-h-12 w-full min-w-0 rounded-lg border-2 border-gray-500 bg-white px-3 text-lg text-gray-900 " +
  "placeholder:text-gray-500 aria-invalid:border-red-700 aria-invalid:bg-red-50";

export const PRIMARY_BUTTON =
  "flex min-h-14 w-full items-center justify-center rounded-xl bg-brand px-4 text-center text-lg font-bold " +
  "text-white shadow-sm hover:bg-brand-dark disabled:opacity-60";

export const SECONDARY_BUTTON =
  "flex min-h-14 w-full items-center justify-center rounded-xl border-2 border-brand bg-white px-4 " +
  "text-center text-lg font-bold text-brand hover:bg-sky-50 disabled:opacity-60";

export const QUIET_BUTTON =
  "flex min-h-12 items-center justify-center rounded-lg px-4 text-base font-medium text-brand underline " +
  "underline-offset-4 hover:bg-white";

/** A field's error: announced when it appears, and named by the input's aria-describedby. */
export function FieldError({ id, message }: { id: string; message: string }) {
  return (
    <p id={id} role="alert" className="flex gap-1.5 text-base font-medium text-pretty text-red-800">
      <WarningIcon />
      <span>{message}</span>
    </p>
  );
}

/** Dates and times as residents read them, in China's time whatever the phone's zone. */
export function formatDateTime(value: Date | string, locale: string): string {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(value));
}

export function formatDate(value: Date | string, locale: string): string {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "long",
    day: "numeric",
  }).format(new Date(value));
}

/** What went wrong with a call, in the user's language: the server's translated message, or "no network". */
export function callError(error: unknown, fallback: string): string {
  const data = (error as { data?: { code?: string } } | null)?.data;
  if (!data) return fallback;
  return (error as Error).message || fallback;
}

const ICON = "mt-[0.2em] size-[1.1em] shrink-0";

export function WarningIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      aria-hidden="true"
      className={ICON}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
    >
      <path d="M12 3 2 21h20L12 3Z" strokeLinejoin="round" />
      <path d="M12 10v5M12 17.5v.5" strokeLinecap="round" />
    </svg>
  );
}

export function LockIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      aria-hidden="true"
      className={ICON}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
    >
      <rect x="4" y="10" width="16" height="11" rx="2" />
      <path d="M8 10V7a4 4 0 0 1 8 0v3" />
    </svg>
  );
}

export function CheckIcon({ className }: { className?: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      aria-hidden="true"
      className={className}
      fill="none"
      stroke="currentColor"
      strokeWidth="3"
    >
      <path d="m5 12.5 4.5 4.5L19 7.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
