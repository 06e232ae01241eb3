"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useId, useMemo } from "react";
import { type FieldError, type Resolver, useForm, useWatch } from "react-hook-form";
import { type CodeTable, ETHNICITY, ID_TYPE, PERSON_TYPE, RELATION, SEX } from "@/domain/codes";
import { MAX } from "@/domain/schemas/fields";
import { parseCitizenId } from "@/domain/validators/citizen-id";
import { memberFormSchema, tenantFormSchema } from "@/domain/visit";
import { useI18n } from "../../../_components/i18n";
import type { Row } from "../../_lib/store";
import { Button, CodeOptions, displayValue, FieldShell, inputClass } from "./ui";

type Values = Record<string, unknown>;

interface FieldSpec {
  name: string;
  label: string;
  kind: "text" | "id" | "select" | "date" | "isoDate" | "tel";
  table?: CodeTable;
  max?: number;
}

const COMMON: FieldSpec[] = [
  { name: "name", label: "register.name", kind: "text", max: MAX.name },
  { name: "idType", label: "visit.idType", kind: "select", table: ID_TYPE },
  { name: "idNumber", label: "register.idNumber", kind: "id", max: MAX.docNumber },
  { name: "sex", label: "register.sex", kind: "select", table: SEX },
  { name: "birthDate", label: "register.birthDate", kind: "isoDate" },
  { name: "ethnicity", label: "visit.ethnicity", kind: "select", table: ETHNICITY },
];

const FIELDS: Record<"member" | "tenant", FieldSpec[]> = {
  member: [
    ...COMMON,
    { name: "relation", label: "register.relation", kind: "select", table: RELATION },
    { name: "phone", label: "register.phone", kind: "tel" },
    { name: "personType", label: "register.personType", kind: "select", table: PERSON_TYPE },
  ],
  tenant: [
    ...COMMON,
    { name: "phone", label: "register.phone", kind: "tel" },
    { name: "personType", label: "register.personType", kind: "select", table: PERSON_TYPE },
    { name: "moveInDate", label: "visit.moveInDate", kind: "date" },
    { name: "arrivalDate", label: "visit.arrivalDate", kind: "date" },
    { name: "origin", label: "visit.origin", kind: "text", max: MAX.address },
  ],
};

/** The form's starting values: a restored draft, else the register row, else a blank person. */
function startValues(kind: "member" | "tenant", register: Row | undefined, initial: unknown): Values {
  if (initial && typeof initial === "object") return initial as Values;
  const values: Values = {};
  for (const spec of FIELDS[kind]) values[spec.name] = (register?.[spec.name] as unknown) ?? "";
  if (!register) {
    values.idType = "1";
    values.ethnicity = "01";
    values.personType = kind === "tenant" ? "02" : "01";
  }
  return values;
}

/**
 * A person, new or corrected. The ID number is checked as it is typed, and a valid one fills in an
 * empty birth date and sex. In correction mode each changed field shows the register value beside it.
 */
export function PersonForm({
  kind,
  register,
  initial,
  title,
  submitLabel,
  onValues,
  onSubmit,
  onCancel,
}: {
  kind: "member" | "tenant";
  register?: Row;
  initial?: unknown;
  title: string;
  submitLabel: string;
  onValues: (values: Values) => void;
  onSubmit: (values: Values) => void;
  onCancel: () => void;
}) {
  const { t, locale } = useI18n();
  const id = useId();
  const schema = kind === "member" ? memberFormSchema : tenantFormSchema;
  const defaultValues = useMemo(() => startValues(kind, register, initial), [kind, register, initial]);
  const form = useForm<Values, unknown, Values>({
    resolver: zodResolver(schema) as unknown as Resolver<Values, unknown, Values>,
    mode: "onChange",
    defaultValues,
  });
  const { errors, touchedFields, dirtyFields, isSubmitted } = form.formState;
  const values = useWatch({ control: form.control }) as Values;
  // Values restored from a draft were typed before: show what is wrong with them at once.
  const restored = !!initial;
  useEffect(() => {
    if (restored) void form.trigger();
  }, [restored, form]);

  useEffect(() => {
    const subscription = form.watch((all) => onValues(all as Values));
    return () => subscription.unsubscribe();
  }, [form, onValues]);

  // A valid citizen ID carries the birth date and sex: fill them in when still empty.
  const idNumber = String(values.idNumber ?? "");
  const idType = String(values.idType ?? "");
  useEffect(() => {
    if (idType !== "1") return;
    const parsed = parseCitizenId(idNumber);
    if (!parsed.ok) return;
    const options = { shouldValidate: true, shouldDirty: true, shouldTouch: true };
    if (!form.getValues("birthDate")) form.setValue("birthDate", parsed.birthDate, options);
    if (!form.getValues("sex")) form.setValue("sex", parsed.sex, options);
  }, [idNumber, idType, form]);

  const errorOf = (name: string): string | undefined => {
    const error = errors[name] as FieldError | undefined;
    if (!error?.message) return undefined;
    const key = error.message;
    const value = String(values[name] ?? "");
    const engaged = restored || isSubmitted || touchedFields[name] || dirtyFields[name];
    // The ID is checked as typed, but "too short" waits until the officer has typed it all.
    if (
      name === "idNumber" &&
      key.endsWith(".length") &&
      !isSubmitted &&
      !touchedFields[name] &&
      value.length < 18
    ) {
      return undefined;
    }
    // A birth date or sex that contradicts the ID number is shown at once, wherever the focus is.
    if (!engaged && !key.endsWith("Mismatch")) return undefined;
    const spec = FIELDS[kind].find((f) => f.name === name);
    // An empty select or date is simply missing, whatever check noticed it.
    if (value.trim() === "" && (key === "validation.invalidValue" || key === "validation.date.format")) {
      return t("validation.required");
    }
    return t(key, { max: spec?.max ?? 0 });
  };

  const registerHint = (spec: FieldSpec) => {
    if (!register) return null;
    const before = register[spec.name];
    const now = values[spec.name];
    const norm = (v: unknown) => (v === undefined || v === null ? "" : String(v).trim().toUpperCase());
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
      data-testid="person-form"
      aria-label={title}
      onSubmit={form.handleSubmit((output) => onSubmit(output))}
      className="mt-2 flex flex-col gap-3 rounded-xl border-2 border-brand bg-sky-50 p-3"
    >
      <h3 className="text-lg font-bold">{title}</h3>
      {FIELDS[kind].map((spec) => {
        const fieldId = `${id}-${spec.name}`;
        const error = errorOf(spec.name);
        const common = {
          id: fieldId,
          "aria-invalid": !!error,
          className: inputClass,
        };
        let input: React.ReactNode;
        if (spec.kind === "select") {
          input = (
            <select {...form.register(spec.name)} {...common}>
              <CodeOptions table={spec.table!} locale={locale} t={t} />
            </select>
          );
        } else if (spec.kind === "date") {
          input = <input type="date" {...form.register(spec.name)} {...common} />;
        } else {
          input = (
            <input
              type={spec.kind === "tel" ? "tel" : "text"}
              inputMode={spec.kind === "tel" ? "tel" : spec.kind === "isoDate" ? "numeric" : undefined}
              autoCapitalize={spec.kind === "id" ? "characters" : undefined}
              autoComplete="off"
              spellCheck={false}
              placeholder={spec.kind === "isoDate" ? t("visit.datePlaceholder") : undefined}
              {...form.register(spec.name, spec.name === "idNumber" ? { deps: ["birthDate", "sex"] } : {})}
              {...common}
              className={`${inputClass} ${spec.kind === "id" || spec.kind === "tel" || spec.kind === "isoDate" ? "font-mono tabular-nums" : ""}`}
            />
          );
        }
        return (
          <FieldShell
            key={spec.name}
            label={t(spec.label)}
            htmlFor={fieldId}
            error={error}
            hint={registerHint(spec)}
          >
            {input}
          </FieldShell>
        );
      })}
      <div className="grid grid-cols-2 gap-2">
        <Button variant="plain" onClick={onCancel}>
          {t("visit.cancel")}
        </Button>
        <Button variant="primary" type="submit">
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
