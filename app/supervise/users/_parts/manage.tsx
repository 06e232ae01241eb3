"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { Role } from "@/domain/auth";
import type { AreaChoice, UserRow } from "@/domain/users";
import { useI18n } from "../../../_components/i18n";
import { useTRPC } from "../../../_components/trpc";
import { AreaPicker, SELECT_CLASS } from "./area-picker";
import { TempPassword } from "./temp-password";

const BUTTON = "min-h-11 rounded-lg border px-4 font-medium disabled:opacity-60";

/**
 * What a manager may do to one account: change its role (administrators) and area, reset its password
 * (the temporary one shown once) and disable or enable it, the last two behind a confirmation.
 */
export function ManagePanel({
  user,
  roles,
  onChanged,
}: {
  user: UserRow;
  roles: Role[];
  onChanged: () => Promise<unknown>;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const ids = useId();
  const [role, setRole] = useState<Role>(user.role);
  const [area, setArea] = useState<AreaChoice | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<"reset" | "disable" | null>(null);
  const [password, setPassword] = useState<string | null>(null);
  const update = useMutation(trpc.user.update.mutationOptions());
  const reset = useMutation(trpc.user.resetPassword.mutationOptions());
  const disable = useMutation(trpc.user.setDisabled.mutationOptions());
  const error = update.error ?? reset.error ?? disable.error;
  const name = user.displayName;

  // Each action starts clean: an earlier refusal is not this one's.
  const clear = () => {
    setSaid(null);
    update.reset();
    reset.reset();
    disable.reset();
  };

  const save = async () => {
    clear();
    if (role === user.role && !area) {
      setSaid(t("users.edit.nothing"));
      return;
    }
    const result = await update
      .mutateAsync({ userId: user.id, role: role !== user.role ? role : undefined, areaId: area?.id })
      .catch(() => null);
    if (!result) return;
    setSaid(result.changed ? t("users.edit.saved", { name }) : t("users.edit.nothing"));
    await onChanged();
  };
  const doReset = async () => {
    clear();
    const result = await reset.mutateAsync({ userId: user.id }).catch(() => null);
    setConfirming(null);
    if (result) setPassword(result.temporaryPassword);
  };
  const toggle = async (disabled: boolean) => {
    clear();
    const result = await disable.mutateAsync({ userId: user.id, disabled }).catch(() => null);
    setConfirming(null);
    if (!result) return;
    setSaid(disabled ? t("users.disable.done", { name }) : t("users.enable.done", { name }));
    await onChanged();
  };

  return (
    <div className="flex flex-col gap-3 border-t border-gray-200 bg-gray-50 p-3" data-testid="user-manage">
      {password && (
        <TempPassword
          heading={t("users.reset.done", { name })}
          password={password}
          onDismiss={() => setPassword(null)}
        />
      )}
      <p aria-live="polite" className="text-base font-medium text-green-900">
        {said ?? ""}
      </p>
      {error && (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 p-3 text-red-900">
          {error.message}
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-[2fr_1fr]">
        <section className="flex flex-col gap-2" aria-labelledby={`${ids}-edit`}>
          <h3 id={`${ids}-edit`} className="font-bold">
            {t("users.edit.heading")}
          </h3>
          <p className="text-sm text-gray-700">
            {t("users.edit.current", { role: t(`users.role.${user.role}`), area: user.areaName })}
          </p>
          {roles.length > 1 && (
            <label className="flex flex-col gap-1">
              <span className="font-semibold">{t("users.edit.role")}</span>
              <select
                value={role}
                onChange={(event) => setRole(event.target.value as Role)}
                className={SELECT_CLASS}
              >
                {roles.map((option) => (
                  <option key={option} value={option}>
                    {t(`users.role.${option}`)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <div className="flex flex-col gap-1">
            <label htmlFor={`${ids}-area`} className="font-semibold">
              {t("users.edit.area")}
            </label>
            <AreaPicker
              id={`${ids}-area`}
              label={t("users.edit.area")}
              emptyLabel={t("users.area.pick")}
              onChange={setArea}
            />
          </div>
          <button
            type="button"
            onClick={save}
            disabled={update.isPending}
            className={`${BUTTON} self-start border-brand bg-brand text-white hover:bg-brand-dark`}
          >
            {update.isPending ? t("users.edit.saving") : t("users.edit.save")}
          </button>
        </section>

        <section className="flex flex-col gap-2">
          <button
            type="button"
            onClick={() => setConfirming("reset")}
            disabled={confirming !== null}
            className={`${BUTTON} border-gray-500 bg-white hover:bg-gray-100`}
          >
            {t("users.reset")}
          </button>
          {user.disabledAt ? (
            <button
              type="button"
              onClick={() => toggle(false)}
              disabled={disable.isPending}
              className={`${BUTTON} border-green-800 bg-white text-green-900 hover:bg-green-50`}
            >
              {t("users.enable")}
            </button>
          ) : (
            <button
              type="button"
              onClick={() => setConfirming("disable")}
              disabled={confirming !== null}
              className={`${BUTTON} border-red-700 bg-white text-red-800 hover:bg-red-50`}
            >
              {t("users.disable")}
            </button>
          )}
          {confirming && (
            <div
              role="alertdialog"
              aria-labelledby={`${ids}-confirm`}
              className="rounded-lg border border-red-300 bg-red-50 p-3"
            >
              <p id={`${ids}-confirm`} className="mb-2 text-base text-red-950">
                {confirming === "reset"
                  ? t("users.reset.confirm", { name })
                  : t("users.disable.confirm", { name })}
              </p>
              {confirming === "disable" && user.activeGrids > 0 && (
                <p className="mb-2 text-sm font-medium text-red-950">
                  {t("users.disable.grids", { count: user.activeGrids })}
                </p>
              )}
              <div className="flex flex-wrap gap-2">
                <button
                  type="button"
                  onClick={() => (confirming === "reset" ? doReset() : toggle(true))}
                  disabled={reset.isPending || disable.isPending}
                  className={`${BUTTON} border-red-800 bg-red-800 text-white hover:bg-red-900`}
                >
                  {confirming === "reset" ? t("users.reset.yes") : t("users.disable.yes")}
                </button>
                <button
                  type="button"
                  onClick={() => setConfirming(null)}
                  className={`${BUTTON} border-gray-400 bg-white hover:bg-gray-50`}
                >
                  {t("users.cancel")}
                </button>
              </div>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
