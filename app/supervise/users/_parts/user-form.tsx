"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useId } from "react";
import { useForm } from "react-hook-form";
import type { Role } from "@/domain/auth";
import {
  DISPLAY_NAME_MAX,
  type UserCreateInput,
  type UserCreateValues,
  userCreateInput,
} from "@/domain/users";
import { useI18n } from "../../../_components/i18n";
import { useTRPC } from "../../../_components/trpc";
import { FieldError, INPUT_CLASS } from "../../campaigns/_parts/ui";
import { AreaPicker, SELECT_CLASS } from "./area-picker";

type Field = "username" | "displayName" | "role" | "areaId" | "phone";
const FIELDS: Field[] = ["username", "displayName", "role", "areaId", "phone"];

/**
 * One new account: checked by the server's own schema, so a refusal reads the same here and there.
 * The server answers with a temporary password, shown once by the page.
 */
export function UserForm({
  roles,
  onCancel,
  onCreated,
}: {
  roles: Role[];
  onCancel: () => void;
  onCreated: (created: { username: string; displayName: string; temporaryPassword: string }) => void;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const ids = useId();
  const form = useForm<UserCreateValues, unknown, UserCreateInput>({
    resolver: zodResolver(userCreateInput),
    defaultValues: { username: "", displayName: "", role: roles[0], areaId: "", phone: "" },
    shouldFocusError: true,
  });
  const create = useMutation(trpc.user.create.mutationOptions());
  const { errors, isSubmitted } = form.formState;

  const messageOf = (field: Field) => {
    const message = errors[field]?.message;
    return message ? t(message, { max: DISPLAY_NAME_MAX }) : undefined;
  };
  const describedBy = (field: Field, hint?: string) =>
    [hint, errors[field] ? `${ids}-${field}-error` : null].filter(Boolean).join(" ") || undefined;

  const submit = form.handleSubmit(async (values) => {
    try {
      onCreated(await create.mutateAsync(values));
    } catch (error) {
      // The server's own words per field (already in the user's language), else the general one below.
      const fieldErrors = (error as { data?: { fieldErrors?: Record<string, string> } }).data?.fieldErrors;
      for (const [path, message] of Object.entries(fieldErrors ?? {})) {
        const field = path.split(".")[0] as Field;
        if (FIELDS.includes(field)) form.setError(field, { type: "server", message });
      }
    }
  });

  const text = (field: "username" | "displayName" | "phone", label: string, hint?: string, type = "text") => (
    <div className="flex flex-col gap-1">
      <label htmlFor={`${ids}-${field}`} className="font-semibold">
        {label}
      </label>
      <input
        id={`${ids}-${field}`}
        type={type}
        autoComplete="off"
        {...form.register(field)}
        aria-invalid={!!errors[field]}
        aria-describedby={describedBy(field, hint ? `${ids}-${field}-hint` : undefined)}
        className={INPUT_CLASS}
      />
      {hint && (
        <p id={`${ids}-${field}-hint`} className="text-sm text-gray-700">
          {hint}
        </p>
      )}
      <FieldError id={`${ids}-${field}-error`} message={messageOf(field)} />
    </div>
  );

  return (
    <form
      noValidate
      onSubmit={submit}
      aria-labelledby={`${ids}-heading`}
      className="flex flex-col gap-4 rounded-xl bg-white p-4 shadow-sm"
      data-testid="user-form"
    >
      <h2 id={`${ids}-heading`} className="text-xl font-bold">
        {t("users.form.heading")}
      </h2>
      <div className="grid gap-4 md:grid-cols-2">
        {text("username", t("users.form.username"), t("users.form.usernameHint"))}
        {text("displayName", t("users.form.displayName"))}
        <div className="flex flex-col gap-1">
          <label htmlFor={`${ids}-role`} className="font-semibold">
            {t("users.form.role")}
          </label>
          <select
            id={`${ids}-role`}
            {...form.register("role")}
            aria-invalid={!!errors.role}
            aria-describedby={describedBy("role")}
            className={SELECT_CLASS}
          >
            {roles.map((role) => (
              <option key={role} value={role}>
                {t(`users.role.${role}`)}
              </option>
            ))}
          </select>
          <FieldError id={`${ids}-role-error`} message={messageOf("role")} />
        </div>
        {text("phone", t("users.form.phone"), undefined, "tel")}
        <div className="flex flex-col gap-1 md:col-span-2">
          <label htmlFor={`${ids}-areaId`} className="font-semibold">
            {t("users.form.area")}
          </label>
          <AreaPicker
            row
            id={`${ids}-areaId`}
            label={t("users.form.area")}
            emptyLabel={t("users.area.pick")}
            onChange={(area) => form.setValue("areaId", area?.id ?? "", { shouldValidate: isSubmitted })}
            describedBy={describedBy("areaId", `${ids}-areaId-hint`)}
            invalid={!!errors.areaId}
          />
          <p id={`${ids}-areaId-hint`} className="text-sm text-gray-700">
            {t("users.form.areaHint")}
          </p>
          <FieldError id={`${ids}-areaId-error`} message={messageOf("areaId")} />
        </div>
      </div>

      {create.error && Object.keys(create.error.data?.fieldErrors ?? {}).length === 0 && (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 p-3 text-red-900">
          {create.error.message}
        </p>
      )}

      <div className="flex flex-wrap gap-2">
        <button
          type="submit"
          disabled={create.isPending}
          className="min-h-11 rounded-lg bg-brand px-5 font-medium text-white hover:bg-brand-dark disabled:opacity-60"
        >
          {create.isPending ? t("users.form.submitting") : t("users.form.submit")}
        </button>
        <button
          type="button"
          onClick={onCancel}
          className="min-h-11 rounded-lg border border-gray-400 bg-white px-5 font-medium hover:bg-gray-50"
        >
          {t("users.form.cancel")}
        </button>
      </div>
    </form>
  );
}
