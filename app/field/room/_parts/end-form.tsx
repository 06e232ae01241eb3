"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useId } from "react";
import { type Resolver, useForm } from "react-hook-form";
import { deceasedSchema, movedOutSchema, tenancyEndSchema } from "@/domain/schemas/visit";
import { MAX } from "@/domain/text-limits";
import { toIsoDate } from "@/domain/validators/date";
import { useI18n } from "../../../_components/i18n";
import { Button, FieldShell, inputClass } from "./ui";

type Values = Record<string, unknown>;

const SPECS = {
  moved_out: { schema: movedOutSchema, field: "destination", label: "visit.destination", type: "text" },
  deceased: { schema: deceasedSchema, field: "date", label: "visit.deathDate", type: "date" },
  tenancy: { schema: tenancyEndSchema, field: "date", label: "visit.leftOn", type: "date" },
} as const;

/** The one question an ending asks: where to (moved out), or when (deceased, tenant left). */
export function EndForm({
  kind,
  title,
  initial,
  onValues,
  onSubmit,
  onCancel,
}: {
  kind: keyof typeof SPECS;
  title: string;
  initial?: unknown;
  onValues: (values: Values) => void;
  onSubmit: (values: Values) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const spec = SPECS[kind];
  const form = useForm<Values, unknown, Values>({
    resolver: zodResolver(spec.schema) as unknown as Resolver<Values, unknown, Values>,
    defaultValues:
      initial && typeof initial === "object"
        ? (initial as Values)
        : { [spec.field]: kind === "tenancy" ? toIsoDate(new Date()) : "" },
  });
  useEffect(() => {
    const subscription = form.watch((all) => onValues(all as Values));
    return () => subscription.unsubscribe();
  }, [form, onValues]);
  const message = form.formState.errors[spec.field]?.message;
  return (
    <form
      noValidate
      aria-label={title}
      data-testid="end-form"
      onSubmit={form.handleSubmit(onSubmit)}
      className="mt-2 flex flex-col gap-3 rounded-xl border-2 border-gray-700 bg-gray-50 p-3"
    >
      <h3 className="text-lg font-bold">{title}</h3>
      <FieldShell
        label={t(spec.label)}
        htmlFor={`${id}-f`}
        error={typeof message === "string" ? t(message, { max: MAX.address }) : undefined}
      >
        <input
          id={`${id}-f`}
          type={spec.type}
          {...form.register(spec.field)}
          aria-invalid={!!message}
          className={inputClass}
        />
      </FieldShell>
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
