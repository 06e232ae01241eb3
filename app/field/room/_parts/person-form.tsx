"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useId, useMemo } from "react";
import { type FieldError, type Resolver, useForm, useWatch } from "react-hook-form";
import {
  type CodeTable,
  EDUCATION,
  EMPLOYMENT,
  ETHNICITY,
  HUKOU_CATEGORY,
  ID_TYPE,
  LEFT_BEHIND,
  MARITAL,
  PERSON_TYPE,
  POLITICS,
  RELATION,
  RESIDENCE_MATCH,
  relationContradictsSex,
  SEX,
} from "@/domain/codes";
import { memberFormSchema, tenantFormSchema } from "@/domain/schemas/visit";
import { MAX } from "@/domain/text-limits";
import { parseCitizenId } from "@/domain/validators/citizen-id";
import { useI18n } from "../../../_components/i18n";
import type { Row } from "../../_lib/store";
import { Button, CodeOptions, displayValue, FieldShell, inputClass } from "./ui";

type Values = Record<string, unknown>;

interface FieldSpec {
  name: string;
  label: string;
  kind: "text" | "id" | "select" | "date" | "isoDate" | "tel" | "flag";
  table?: CodeTable;
  max?: number;
  /** Behind "more": fields the common visit leaves as they are, kept one tap away. */
  more?: boolean;
}

/** A member's other register fields: every one statistics count can be corrected at the door. */
const MORE_MEMBER: FieldSpec[] = (
  [
    { name: "marital", label: "person.marital", kind: "select", table: MARITAL },
    { name: "education", label: "person.education", kind: "select", table: EDUCATION },
    { name: "politics", label: "person.politics", kind: "select", table: POLITICS },
    { name: "employment", label: "person.employment", kind: "select", table: EMPLOYMENT },
    { name: "unemployed", label: "person.unemployed", kind: "flag" },
    { name: "disability", label: "person.disability", kind: "flag" },
    { name: "lowIncome", label: "person.lowIncome", kind: "flag" },
    { name: "leftBehind", label: "person.leftBehind", kind: "select", table: LEFT_BEHIND },
    { name: "hukouCategory", label: "person.hukouCategory", kind: "select", table: HUKOU_CATEGORY },
    { name: "hukouAddress", label: "person.hukouAddress", kind: "text", max: MAX.address },
    { name: "currentAddress", label: "person.currentAddress", kind: "text", max: MAX.address },
    { name: "residenceMatch", label: "person.residenceMatch", kind: "select", table: RESIDENCE_MATCH },
    { name: "arrivalDate", label: "visit.arrivalDate", kind: "date" },
    { name: "origin", label: "visit.origin", kind: "text", max: MAX.address },
    { name: "residencePermitNo", label: "person.residencePermitNo", kind: "text", max: MAX.shortText },
  ] satisfies FieldSpec[]
).map((spec) => ({ ...spec, more: true }));

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
    ...MORE_MEMBER,
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
  for (const spec of FIELDS[kind])
    values[spec.name] = (register?.[spec.name] as unknown) ?? (spec.kind === "flag" ? false : "");
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

  const moreChanged = FIELDS[kind].filter((spec) => spec.more && registerHint(spec)).length;

  function registerHint(spec: FieldSpec) {
    if (!register) return null;
    const before = register[spec.name];
    const now = values[spec.name];
    const norm = (v: unknown) =>
      v === undefined || v === null || (spec.kind === "flag" && v === false)
        ? ""
        : String(v).trim().toUpperCase();
    if (norm(before) === norm(now)) return null;
    return (
      <span className="text-sm text-gray-800" data-testid="register-value">
        <span className="mr-1 rounded bg-amber-100 px-1.5 py-0.5 font-semibold text-amber-900">
          {t("visit.changed")}
        </span>
        {t("visit.registerValue", { value: displayValue(before, spec.table, locale, t) })}
      </span>
    );
  }

  return (
    <form
      noValidate
      data-testid="person-form"
      aria-label={title}
      onSubmit={form.handleSubmit((output) => onSubmit(output))}
      className="mt-2 flex flex-col gap-3 rounded-xl border-2 border-brand bg-sky-50 p-3"
    >
      <h3 className="text-lg font-bold">{title}</h3>
      {FIELDS[kind].filter((spec) => !spec.more).map((spec) => renderField(spec))}
      {FIELDS[kind].some((spec) => spec.more) && (
        <details
          className="rounded-lg border-2 border-gray-300 bg-white p-2"
          data-testid="person-more"
          open={FIELDS[kind].some((spec) => spec.more && (!!registerHint(spec) || !!errorOf(spec.name)))}
        >
          <summary className="min-h-11 cursor-pointer py-2 text-base font-semibold">
            {t("visit.member.more")}
            {moreChanged > 0 && ` ${t("visit.member.moreChanged", { count: moreChanged })}`}
          </summary>
          <div className="mt-2 flex flex-col gap-3">
            {FIELDS[kind].filter((spec) => spec.more).map((spec) => renderField(spec))}
          </div>
        </details>
      )}
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

  function renderField(spec: FieldSpec) {
    const fieldId = `${id}-${spec.name}`;
    const error = errorOf(spec.name);
    const common = {
      id: fieldId,
      "aria-invalid": !!error,
      className: inputClass,
    };
    let input: React.ReactNode;
    if (spec.kind === "flag") {
      input = (
        <input
          type="checkbox"
          {...form.register(spec.name)}
          id={fieldId}
          aria-invalid={!!error}
          className="h-7 w-7"
        />
      );
    } else if (spec.kind === "select") {
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
    const warning =
      spec.name === "relation" && relationContradictsSex(values.relation, values.sex) ? (
        <span
          className="block rounded bg-amber-50 px-2 py-1 text-sm text-amber-950"
          data-testid="relation-sex"
        >
          {t("visit.member.relationSex")}
        </span>
      ) : null;
    return (
      <FieldShell
        key={spec.name}
        label={t(spec.label)}
        htmlFor={fieldId}
        error={error}
        hint={
          warning || registerHint(spec) ? (
            <>
              {warning}
              {registerHint(spec)}
            </>
          ) : null
        }
      >
        {input}
      </FieldShell>
    );
  }
}
