"use client";

import { useI18n } from "../../../_components/i18n";

export type SaveState =
  | { state: "idle" }
  | { state: "saving" }
  | { state: "saved" }
  | { state: "failed" }
  | { state: "invalid"; problems: string[] };

/** Fixed at the bottom: save, what stops the save, and that it was saved. */
export function SaveBar({ save, changes, onSave }: { save: SaveState; changes: number; onSave: () => void }) {
  const { t } = useI18n();
  return (
    <div className="fixed inset-x-0 bottom-0 z-20 border-t border-gray-300 bg-white/95 px-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] pt-2 shadow-[0_-2px_8px_rgba(0,0,0,0.08)]">
      <div className="mx-auto max-w-3xl">
        {save.state === "invalid" && (
          <ul
            role="alert"
            className="mb-2 flex flex-col gap-1 text-base font-semibold text-red-800"
            data-testid="save-problems"
          >
            {save.problems.map((key) => (
              <li key={key}>{t(key)}</li>
            ))}
          </ul>
        )}
        {save.state === "failed" && (
          <p role="alert" className="mb-2 text-base font-semibold text-red-800" data-testid="save-failed">
            {t("visit.error.saveFailed")}
          </p>
        )}
        {save.state === "saved" ? (
          <p
            role="status"
            className="flex min-h-14 items-center justify-center rounded-lg bg-status-done text-lg font-bold text-white"
            data-testid="saved"
          >
            ✓ {t("visit.saved")}
          </p>
        ) : (
          <button
            type="button"
            onClick={onSave}
            disabled={save.state === "saving"}
            className="min-h-14 w-full rounded-lg bg-brand text-lg font-bold text-white disabled:opacity-60"
          >
            {save.state === "saving"
              ? t("visit.saving")
              : changes > 0
                ? t("visit.saveWithChanges", { count: changes })
                : t("visit.save")}
          </button>
        )}
      </div>
    </div>
  );
}
