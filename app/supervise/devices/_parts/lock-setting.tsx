"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { MAX_LOCK_MINUTES, MIN_LOCK_MINUTES } from "@/domain/vault";
import { useI18n } from "../../../_components/i18n";
import { useTRPC } from "../../../_components/trpc";

/**
 * How long an officer's phone may sit idle before it locks (the PIN or an online login opens it):
 * shown to supervisors, changed by an administrator of the whole jurisdiction; phones take a new figure
 * at their next online unlock.
 */
export function LockSetting() {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setting = useQuery(trpc.device.lock.queryOptions());
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation(
    trpc.device.setLock.mutationOptions({
      onSuccess: () => setDraft(null),
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.device.lock.queryKey() }),
    }),
  );
  if (!setting.data) return null;
  const { minutes, defaultMinutes, updatedAt, updatedBy, canChange } = setting.data;
  const value = draft ?? String(minutes);
  return (
    <section
      className="mb-3 rounded-xl bg-white p-3 shadow-sm"
      aria-labelledby="lock-title"
      data-testid="lock-setting"
    >
      <h2 id="lock-title" className="font-semibold">
        {t("devices.lockTitle")}
      </h2>
      {canChange ? (
        <form
          className="mt-2 flex flex-wrap items-center gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate({ minutes: Number(value) });
          }}
        >
          <label className="flex items-center gap-2 text-base">
            {t("devices.lockLabel")}
            <input
              type="number"
              inputMode="numeric"
              min={MIN_LOCK_MINUTES}
              max={MAX_LOCK_MINUTES}
              step={1}
              required
              value={value}
              onChange={(event) => setDraft(event.target.value)}
              className="w-24 rounded-lg border-2 border-gray-400 p-2 text-lg tabular-nums"
              data-testid="lock-minutes"
            />
            {t("devices.lockUnit")}
          </label>
          <button
            type="submit"
            disabled={save.isPending || value === String(minutes)}
            className="min-h-11 rounded-lg bg-brand px-4 font-bold text-white disabled:opacity-50"
          >
            {t("devices.lockSave")}
          </button>
        </form>
      ) : (
        <p className="mt-1 text-base" data-testid="lock-minutes-text">
          {t("devices.lockIs", { minutes })}
        </p>
      )}
      <p className="mt-1 text-sm text-gray-700">
        {t("devices.lockHint", { min: MIN_LOCK_MINUTES, max: MAX_LOCK_MINUTES, fallback: defaultMinutes })}
        {updatedAt &&
          ` ${t("devices.lockChanged", { when: new Date(updatedAt).toLocaleString(locale), who: updatedBy ?? "—" })}`}
      </p>
      {save.isError && (
        <p role="alert" className="mt-2 rounded-lg bg-red-50 p-2 text-red-900">
          {save.error.message}
        </p>
      )}
    </section>
  );
}
