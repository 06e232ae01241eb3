"use client";

import type { ButtonHTMLAttributes, ReactNode } from "react";
import { type CodeTable, codeLabel } from "@/domain/codes";
import type { Locale, Translate } from "@/domain/i18n";
import { ageOn, toIsoDate } from "@/domain/validators/date";
import { plainValueText } from "@/domain/value-text";

/** Buttons a thumb can hit in a dark stairwell: at least 44 px, bold labels, strong borders. */
const VARIANTS = {
  primary: "bg-brand text-white border-brand",
  secondary: "bg-white text-brand border-brand",
  plain: "bg-white text-gray-900 border-gray-400",
  danger: "bg-white text-red-800 border-red-700",
} as const;

export function Button({
  variant = "secondary",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof VARIANTS }) {
  return (
    <button
      type="button"
      {...props}
      className={`min-h-11 rounded-lg border-2 px-3 text-base font-semibold disabled:opacity-50 ${VARIANTS[variant]} ${className}`}
    />
  );
}

export function Section({
  title,
  children,
  testId,
  aside,
}: {
  title: string;
  children: ReactNode;
  testId?: string;
  aside?: ReactNode;
}) {
  return (
    <section className="mb-3 rounded-xl bg-white p-3 shadow-sm" data-testid={testId}>
      <h2 className="mb-2 flex items-baseline justify-between gap-2 text-lg font-bold">
        <span>{title}</span>
        {aside && <span className="text-sm font-normal text-gray-700">{aside}</span>}
      </h2>
      {children}
    </section>
  );
}

/** A done/changed/ended mark beside a record, with its text so colour is never the only sign. */
export function Mark({
  tone,
  children,
}: {
  tone: "done" | "changed" | "ended" | "warn" | "found" | "review";
  children: ReactNode;
}) {
  const cls = {
    done: "bg-status-done text-white",
    changed: "bg-status-approved text-white",
    ended: "bg-gray-700 text-white",
    warn: "bg-status-revisit text-white",
    found: "bg-brand text-white",
    // Recorded, not yet the register's: outlined, so it never reads as a decision.
    review: "border-2 border-status-done bg-white text-gray-950",
  }[tone];
  return (
    <span className={`inline-flex min-h-7 items-center rounded-full px-2.5 text-sm font-semibold ${cls}`}>
      {children}
    </span>
  );
}

/**
 * The list item of one person: the one a search opened the screen at is framed, marked in words, and
 * focusable from script (not by Tab) so the screen can move focus, and a screen reader, onto it.
 */
export function personItemProps(personId: string, found: string | null, testId: string) {
  const here = personId === found;
  return {
    "data-testid": testId,
    "data-person-id": personId,
    tabIndex: here ? -1 : undefined,
    className: `rounded-lg border-2 p-3 ${here ? "border-brand bg-sky-50" : "border-gray-200"}`,
  };
}

export const inputClass =
  "min-h-12 w-full rounded-lg border-2 border-gray-400 bg-white px-3 text-lg text-gray-900 aria-invalid:border-red-700";

export function FieldShell({
  label,
  error,
  hint,
  children,
  htmlFor,
}: {
  label: string;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
  htmlFor?: string;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={htmlFor} className="text-base font-medium text-gray-900">
        {label}
      </label>
      {children}
      {hint}
      {error && (
        <span className="text-base font-medium text-red-800" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** Options of a code table in the user's language, with an empty "choose" first. */
export function CodeOptions({
  table,
  locale,
  t,
  empty = true,
}: {
  table: CodeTable;
  locale: Locale;
  t: Translate;
  empty?: boolean;
}) {
  return (
    <>
      {empty && <option value="">{t("visit.choose")}</option>}
      {table.map((entry) => (
        <option key={entry.code} value={entry.code}>
          {codeLabel(table, entry.code, locale)}
        </option>
      ))}
    </>
  );
}

/** Full years between a YYYY-MM-DD birth date and today, the phone's day. */
export function ageOf(birthDate: unknown, today = new Date()): number | null {
  if (typeof birthDate !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(birthDate)) return null;
  return ageOn(birthDate.slice(0, 10), toIsoDate(today));
}

/** A register value as the officer reads it (as the supervisor reads it too), "—" for nothing. */
export function displayValue(
  value: unknown,
  table: CodeTable | undefined,
  locale: Locale,
  t: Translate,
): string {
  return plainValueText(value, table, locale, t) || "—";
}
