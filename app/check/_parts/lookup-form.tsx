"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useId } from "react";
import { type FieldError as RhfFieldError, useForm } from "react-hook-form";
import type { z } from "zod";
import { type CheckLookupInput, checkLookupInput, normaliseCode, normaliseIdNumber } from "@/domain/check";
import { useI18n } from "../../_components/i18n";
import { CARD, FieldError, INPUT_CLASS, type Message, PRIMARY_BUTTON } from "./ui";

type LookupValues = z.input<typeof checkLookupInput>;
type LookupField = keyof LookupValues;

export const EMPTY_LOOKUP: LookupValues = { name: "", idNumber: "", code: "" };

/**
 * The schema speaks zod's English; residents get a sentence per field that says how to fix it. The
 * shape checks are the schema's (checkLookupInput), only the words are chosen here.
 */
function lookupMessage(field: LookupField, error: RhfFieldError, value: string): Message {
  const max = { name: 50, idNumber: 30, code: 30 }[field];
  if (error.type === "too_big") {
    return field === "idNumber"
      ? { key: "check.page.error.idLong" }
      : { key: "validation.tooLong", params: { max } };
  }
  if (field === "name") return { key: "check.page.error.nameRequired" };
  if (field === "code") return { key: "check.page.error.codeRequired" };
  if (normaliseIdNumber(value) === "") return { key: "check.page.error.idRequired" };
  if (error.type === "too_small") return { key: "check.page.error.idShort" };
  return { key: "check.page.error.idCharacters" };
}

/**
 * Name, ID number and the visit slip's code. The code comes prefilled from the slip's QR code
 * (`/check?code=…`), read after mount so the page stays static, then dropped from the address bar.
 */
export function LookupForm({
  pending,
  serverError,
  onLookup,
}: {
  pending: boolean;
  serverError: string | null;
  onLookup: (proof: CheckLookupInput) => void;
}) {
  const { t } = useI18n();
  const ids = useId();
  const form = useForm<LookupValues, unknown, CheckLookupInput>({
    resolver: zodResolver(checkLookupInput),
    defaultValues: EMPTY_LOOKUP,
    shouldFocusError: true,
  });
  const { errors } = form.formState;

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const code = params.get("code");
    if (code === null) return;
    if (!form.getValues("code")) form.setValue("code", normaliseCode(code).slice(0, 30));
    // The code has done its job in the URL: keep it out of the history and any shared link.
    params.delete("code");
    const rest = params.toString();
    window.history.replaceState(
      window.history.state,
      "",
      `${window.location.pathname}${rest ? `?${rest}` : ""}`,
    );
  }, [form]);

  const describedBy = (field: LookupField, hint?: string) =>
    [hint, errors[field] ? `${ids}-${field}-error` : null].filter(Boolean).join(" ") || undefined;
  const errorFor = (field: LookupField) => {
    const error = errors[field];
    if (!error) return null;
    const message = lookupMessage(field, error, String(form.getValues(field) ?? ""));
    return <FieldError id={`${ids}-${field}-error`} message={t(message.key, message.params)} />;
  };

  return (
    <form
      noValidate
      onSubmit={form.handleSubmit(onLookup)}
      className={`flex flex-col gap-5 ${CARD}`}
      aria-labelledby={`${ids}-heading`}
      data-testid="lookup-form"
    >
      <div className="flex flex-col gap-2">
        <h1 id={`${ids}-heading`} className="text-2xl font-bold text-balance text-gray-900">
          {t("check.page.heading")}
        </h1>
        <p className="text-base text-pretty text-gray-700">{t("check.page.intro")}</p>
      </div>

      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${ids}-name`} className="text-lg font-bold text-gray-900">
          {t("check.page.name")}
        </label>
        <input
          id={`${ids}-name`}
          {...form.register("name")}
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          enterKeyHint="next"
          maxLength={60}
          aria-invalid={!!errors.name}
          aria-describedby={describedBy("name")}
          className={INPUT_CLASS}
        />
        {errorFor("name")}
      </div>

      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${ids}-idNumber`} className="text-lg font-bold text-gray-900">
          {t("check.page.idNumber")}
        </label>
        <p id={`${ids}-idNumber-hint`} className="text-sm text-pretty text-gray-700">
          {t("check.page.idNumberHint")}
        </p>
        <input
          id={`${ids}-idNumber`}
          {...form.register("idNumber")}
          autoComplete="off"
          autoCapitalize="characters"
          autoCorrect="off"
          spellCheck={false}
          inputMode="text"
          enterKeyHint="next"
          maxLength={40}
          aria-invalid={!!errors.idNumber}
          aria-describedby={describedBy("idNumber", `${ids}-idNumber-hint`)}
          className={`${INPUT_CLASS} font-mono tracking-wide`}
        />
        {errorFor("idNumber")}
      </div>

      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${ids}-code`} className="text-lg font-bold text-gray-900">
          {t("check.page.code")}
        </label>
        <p id={`${ids}-code-hint`} className="text-sm text-pretty text-gray-700">
          {t("check.page.codeHint")}
        </p>
        <input
          id={`${ids}-code`}
          {...form.register("code")}
          autoComplete="off"
          autoCapitalize="characters"
          autoCorrect="off"
          spellCheck={false}
          inputMode="text"
          enterKeyHint="search"
          maxLength={40}
          aria-invalid={!!errors.code}
          aria-describedby={describedBy("code", `${ids}-code-hint`)}
          className={`${INPUT_CLASS} font-mono text-xl tracking-[0.15em] uppercase`}
        />
        {errorFor("code")}
      </div>

      {serverError && (
        <p
          role="alert"
          data-testid="lookup-error"
          className="rounded-lg border-2 border-red-300 bg-red-50 p-3 text-base font-medium text-red-900"
        >
          {serverError}
        </p>
      )}

      <button type="submit" disabled={pending} className={PRIMARY_BUTTON}>
        {pending ? t("check.page.submitting") : t("check.page.submit")}
      </button>
    </form>
  );
}
