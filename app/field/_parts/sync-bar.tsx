"use client";

import dynamic from "next/dynamic";
import { type FormEvent, useEffect, useState } from "react";
import { useI18n } from "../../_components/i18n";
import { useTRPCClient } from "../../_components/trpc-client";
import { needsAnything, useNeedsAction } from "../_lib/needs-action";
import type { FieldDatabase } from "../_lib/store";
import { type SyncState, useStorageState } from "../_lib/use-sync";

const NeedsActionList = dynamic(() => import("./needs-action-list"), { ssr: false });

/** Above this share of the quota the officer is told to sync and free space. */
const QUOTA_WARNING = 0.8;

/** The header's chip: the pending count and what the sync is doing, always in view; a tap syncs. */
export function SyncChip({
  pending,
  state,
  onSync,
}: {
  pending: number | null;
  state: SyncState;
  onSync: () => void;
}) {
  const { t } = useI18n();
  const label =
    state.phase === "syncing"
      ? t("sync.syncing")
      : state.phase === "waiting"
        ? t("sync.offlineShort")
        : state.phase === "unauthorized"
          ? t("sync.expiredShort")
          : state.phase === "wiped"
            ? t("vault.wipedShort")
            : pending
              ? null
              : t("field.synced");
  return (
    <button
      type="button"
      onClick={onSync}
      className="flex min-h-11 shrink-0 items-center gap-1.5 rounded-full bg-white/15 px-2.5 text-sm"
      aria-label={t("sync.now")}
      data-testid="sync-chip"
      data-phase={state.phase}
    >
      <span data-testid="pending">
        {pending === null ? t("field.pendingUnknown") : t("field.pending", { count: pending })}
      </span>
      {/* Full white: dimmed text on the chip's lighter blue fell below 4.5:1. */}
      {label && <span>· {label}</span>}
    </button>
  );
}

function useNow(every: number) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(id);
  }, [every]);
  return now;
}

/** The sync panel of the work list: state, "sync now", an expired session, storage, and work to act on. */
export function SyncPanel({
  db,
  username,
  pending,
  state,
  onSync,
}: {
  db: FieldDatabase | null;
  username: string;
  pending: number | null;
  state: SyncState;
  onSync: () => void;
}) {
  const { t, locale } = useI18n();
  const storage = useStorageState(true);
  const now = useNow(1_000);
  const nearQuota = !!storage?.usage && !!storage.quota && storage.usage / storage.quota > QUOTA_WARNING;
  return (
    <section
      className="mb-3 rounded-xl bg-white p-4 shadow-sm"
      aria-labelledby="sync-title"
      data-testid="sync-panel"
    >
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="sync-title" className="text-lg font-semibold">
          {pending ? t("field.pending", { count: pending }) : t("sync.allSent")}
        </h2>
        <span className="flex-1 text-sm text-gray-700" aria-live="polite" data-testid="sync-state">
          {state.phase === "syncing"
            ? t("sync.syncing")
            : state.phase === "waiting"
              ? t("sync.retrying", { seconds: Math.max(0, Math.ceil((state.retryAt - now) / 1000)) })
              : state.lastSyncedAt
                ? t("sync.lastSynced", { time: new Date(state.lastSyncedAt).toLocaleTimeString(locale) })
                : ""}
        </span>
        <button
          type="button"
          onClick={onSync}
          disabled={state.phase === "syncing"}
          className="min-h-12 rounded-lg border-2 border-brand bg-white px-4 text-base font-bold text-brand disabled:opacity-50"
          data-testid="sync-now"
        >
          {t("sync.now")}
        </button>
      </div>
      {state.phase === "unauthorized" && <Relogin username={username} onDone={onSync} />}
      {storage && (
        <p className="mt-2 text-sm text-gray-700" data-testid="storage">
          {storage.persisted ? t("sync.storagePersisted") : t("sync.storageNotPersisted")}
          {storage.usage != null && storage.quota
            ? ` · ${t("sync.storageUsage", { percent: Math.round((storage.usage / storage.quota) * 100) })}`
            : ""}
        </p>
      )}
      {nearQuota && (
        <p role="alert" className="mt-2 rounded-lg bg-amber-50 p-3 text-amber-950">
          {t("sync.quotaWarning")}
        </p>
      )}
      <NeedsAction db={db} />
    </section>
  );
}

function Relogin({ username, onDone }: { username: string; onDone: () => void }) {
  const { t } = useI18n();
  const client = useTRPCClient();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.auth.login.mutate({ username, password });
      setPassword("");
      onDone();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : t("errors.internal"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="mt-3 rounded-lg bg-amber-50 p-3" data-testid="relogin">
      <p className="mb-2 text-amber-950">{t("sync.expired")}</p>
      <label className="mb-2 block">
        <span className="mb-1 block text-sm font-semibold">{t("auth.password")}</span>
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className="min-h-12 w-full rounded-lg border-2 border-gray-400 px-3 text-lg"
          required
        />
      </label>
      {error && (
        <p role="alert" className="mb-2 text-red-800">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={busy}
        className="min-h-12 rounded-lg bg-brand px-5 font-bold text-white"
      >
        {t("sync.relogin")}
      </button>
    </form>
  );
}

/** Mounts the list only when the server gave something back to act on. */
function NeedsAction({ db }: { db: FieldDatabase | null }) {
  const needs = useNeedsAction(db);
  if (!db || !needs || !needsAnything(needs)) return null;
  return <NeedsActionList db={db} />;
}
