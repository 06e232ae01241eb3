"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useId } from "react";
import { Controller, type FieldError, type Resolver, useForm, useWatch } from "react-hook-form";
import type { CodeTable } from "@/domain/codes";
import { FIELD_INFO } from "@/domain/fields";
import { rentalSchema } from "@/domain/schemas/rental";
import { unitSchema } from "@/domain/schemas/unit";
import { useI18n } from "../../../_components/i18n";
import type { Row } from "../../_lib/store";
import { Button, CodeOptions, displayValue, FieldShell, inputClass } from "./ui";

type Values = Record<string, unknown>;

/** The register schema each record corrected with this form is checked against. */
const SCHEMAS = { rental: rentalSchema, unit: unitSchema } as const;
export type RecordKind = keyof typeof SCHEMAS;

export interface RecordFieldSpec {
  name: string;
  label: string;
  kind: "text" | "number" | "select" | "date" | "bool" | "textarea" | "tel";
  table?: CodeTable;
  max?: number;
  /** For bool: the labels of yes and no (e.g. 畅通/不畅通). */
  yes?: string;
  no?: string;
}

const toNumber = (v: unknown) => (v === "" || v === null || v === undefined ? null : Number(v));

/**
 * A register record (rental room, unit) corrected at the door: every field starts at the register
 * value, and a changed field shows the register value beside it.
 */
export function RecordForm({
  kind,
  fields,
  register,
  initial,
  title,
  onValues,
  onSubmit,
  onCancel,
  testId,
}: {
  kind: RecordKind;
  fields: RecordFieldSpec[];
  register: Row;
  initial?: unknown;
  title: string;
  onValues: (values: Values) => void;
  onSubmit: (values: Values) => void;
  onCancel: () => void;
  testId: string;
}) {
  const { t, locale } = useI18n();
  const id = useId();
  const form = useForm<Values, unknown, Values>({
    resolver: zodResolver(SCHEMAS[kind] as never) as unknown as Resolver<Values, unknown, Values>,
    mode: "onTouched",
    // Every column of the register row, so fields not shown here pass through unchanged.
    defaultValues: initial && typeof initial === "object" ? (initial as Values) : { ...register },
  });
  const values = useWatch({ control: form.control }) as Values;
  const shown = new Set(fields.map((f) => f.name));
  const hidden = Object.entries(form.formState.errors)
    .filter(([name, error]) => !shown.has(name) && typeof error?.message === "string")
    .map(([name, error]) => [name, String(error?.message)] as const);
  useEffect(() => {
    const subscription = form.watch((all) => onValues(all as Values));
    return () => subscription.unsubscribe();
  }, [form, onValues]);

  const hint = (spec: RecordFieldSpec) => {
    const before = register[spec.name];
    const now = values[spec.name];
    const norm = (v: unknown) => (v === undefined || v === null ? "" : String(v).trim());
    if (norm(before) === norm(now)) return null;
    return (
      <span className="text-sm text-gray-800" data-testid="register-value">
        <span className="mr-1 rounded bg-amber-100 px-1.5 py-0.5 font-semibold text-amber-900">
          {t("visit.changed")}
        </span>
        {t("visit.registerValue", { value: displayValue(before, spec.table, locale, t) })}
      </span>
    );
  };

  return (
    <form
      noValidate
      aria-label={title}
      data-testid={testId}
      onSubmit={form.handleSubmit(onSubmit)}
      className="mt-2 flex flex-col gap-3 rounded-xl border-2 border-brand bg-sky-50 p-3"
    >
      <h3 className="text-lg font-bold">{title}</h3>
      {hidden.length > 0 && (
        // A register value this form does not show failed its check: say which, or the form seems stuck.
        <ul role="alert" className="rounded-lg bg-red-50 p-2 text-base font-medium text-red-800">
          {hidden.map(([name, message]) => (
            <li key={name}>
              {t(FIELD_INFO[name]?.label ?? name)}: {t(message)}
            </li>
          ))}
        </ul>
      )}
      {fields.map((spec) => {
        const fieldId = `${id}-${spec.name}`;
        const error = form.formState.errors[spec.name] as FieldError | undefined;
        const message = error?.message ? t(error.message, { max: spec.max ?? 0, min: 0 }) : undefined;
        const common = { id: fieldId, "aria-invalid": !!message, className: inputClass };
        let input: React.ReactNode;
        switch (spec.kind) {
          case "select":
            input = (
              <select {...form.register(spec.name)} {...common}>
                <CodeOptions table={spec.table!} locale={locale} t={t} />
              </select>
            );
            break;
          case "number":
            input = (
              <input
                type="number"
                inputMode="decimal"
                min={0}
                step="any"
                {...form.register(spec.name, { setValueAs: toNumber })}
                {...common}
                className={`${inputClass} tabular-nums`}
              />
            );
            break;
          case "date":
            input = <input type="date" {...form.register(spec.name)} {...common} />;
            break;
          case "textarea":
            input = (
              <textarea rows={2} {...form.register(spec.name)} {...common} className={`${inputClass} py-2`} />
            );
            break;
          case "bool":
            input = (
              <Controller
                control={form.control}
                name={spec.name}
                render={({ field }) => (
                  <div className="grid grid-cols-3 gap-2" role="radiogroup" aria-labelledby={`${fieldId}-l`}>
                    {(
                      [
                        [true, spec.yes ?? "visit.yes"],
                        [false, spec.no ?? "visit.no"],
                        [null, "visit.unknown"],
                      ] as const
                    ).map(([value, label]) => (
                      // biome-ignore lint/a11y/useSemanticElements: a row of large buttons is easier to hit than radios
                      <button
                        key={String(value)}
                        type="button"
                        role="radio"
                        aria-checked={(field.value ?? null) === value}
                        onClick={() => field.onChange(value)}
                        className="min-h-11 rounded-lg border-2 border-gray-400 bg-white px-2 text-base font-semibold aria-checked:border-brand aria-checked:bg-brand aria-checked:text-white"
                      >
                        {t(label)}
                      </button>
                    ))}
                  </div>
                )}
              />
            );
            break;
          default:
            input = (
              <input
                type={spec.kind === "tel" ? "tel" : "text"}
                autoComplete="off"
                {...form.register(spec.name)}
                {...common}
              />
            );
        }
        return (
          <FieldShell
            key={spec.name}
            label={t(spec.label)}
            htmlFor={spec.kind === "bool" ? undefined : fieldId}
            error={message}
            hint={hint(spec)}
          >
            {spec.kind === "bool" ? (
              <span id={`${fieldId}-l`} className="sr-only">
                {t(spec.label)}
              </span>
            ) : null}
            {input}
          </FieldShell>
        );
      })}
      <div className="grid grid-cols-2 gap-2">
        <Button variant="plain" onClick={onCancel}>
          {t("visit.cancel")}
        </Button>
        <Button variant="primary" type="submit">
          {t("visit.apply")}
        </Button>
      </div>
    </form>
  );
}
