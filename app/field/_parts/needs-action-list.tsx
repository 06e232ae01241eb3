"use client";

import Link from "next/link";
import { changeFieldLabel, changeValueText } from "@/domain/change-value";
import { MOVE_IN_FIELDS } from "@/domain/claims";
import { setterText } from "@/domain/push";
import { useI18n } from "../../_components/i18n";
import { needsAnything, useNeedsAction } from "../_lib/needs-action";
import { discardRejected, resolveConflict, retryRejected } from "../_lib/outbox";
import { SERVER_FAILED_KEY } from "../_lib/push";
import type { FieldDatabase, OutboxEntry } from "../_lib/store";
import NoticeList from "./notice-list";

/**
 * Visits the server refused or the phone parked, and fields in conflict, for the officer to act on.
 * Loaded only when there is something to show: its code tables stay out of the work list's first load.
 */
export default function NeedsActionList({ db }: { db: FieldDatabase | null }) {
  const { t, locale } = useI18n();
  const needs = useNeedsAction(db);
  if (!db || !needs || !needsAnything(needs)) return null;
  const show = (conflict: { entity: string; field: string; roomId: string }, value: unknown) =>
    // A move-in's room or household is an id (domain/claims.ts movedInChanges): the door it was
    // confirmed at, or another place of the register, in words.
    MOVE_IN_FIELDS.includes(conflict.field) && typeof value === "string"
      ? t(value === conflict.roomId ? "change.value.thisDoor" : "change.value.elsewhere")
      : changeValueText(conflict.field, value, { locale, t, mask: false, entity: conflict.entity }) || "—";
  const discard = async (entry: OutboxEntry) => {
    if (!window.confirm(t("sync.discardConfirm"))) return;
    await discardRejected(db, entry);
  };
  return (
    <div className="mt-3 flex flex-col gap-3">
      {needs.rejected.length > 0 && (
        <div data-testid="rejected">
          <h3 className="mb-1 text-base font-semibold text-red-900">
            {t("sync.rejectedTitle", { count: needs.rejected.length })}
          </h3>
          <ul className="flex flex-col gap-2">
            {needs.rejected.map((entry) => (
              <li key={entry.id} className="rounded-lg border-2 border-red-200 bg-red-50 p-3">
                <p className="mb-2 text-red-950" data-testid="rejected-reason">
                  {/* Parked by the phone: its own words, in the officer's language; else the server's. */}
                  {entry.errorKey === SERVER_FAILED_KEY ? t(SERVER_FAILED_KEY) : entry.lastError}
                </p>
                <div className="flex flex-wrap gap-2">
                  {/* The server keeps no refused entry in its ledger, so once the cause is cleared (a
                      server fixed, a campaign reopened) the same entry can simply go again. */}
                  <button
                    type="button"
                    onClick={() => void retryRejected(db, entry)}
                    className="min-h-11 rounded-lg border-2 border-brand bg-brand px-3 font-semibold text-white"
                  >
                    {t("sync.retryEntry")}
                  </button>
                  {entry.kind === "visit" && (
                    <Link
                      href={`/field/room?id=${entry.payload.visit.roomId}`}
                      className="inline-flex min-h-11 items-center rounded-lg border-2 border-brand bg-white px-3 font-semibold text-brand"
                    >
                      {t("sync.openRoom")}
                    </Link>
                  )}
                  <button
                    type="button"
                    onClick={() => void discard(entry)}
                    className="min-h-11 rounded-lg border-2 border-red-700 bg-white px-3 font-semibold text-red-800"
                  >
                    {t("sync.discard")}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
      {needs.conflicts.length > 0 && (
        <div data-testid="conflicts">
          <h3 className="mb-1 text-base font-semibold text-purple-900">
            {t("sync.conflictsTitle", { count: needs.conflicts.length })}
          </h3>
          <p className="mb-2 text-sm text-gray-700">{t("sync.conflictHint")}</p>
          <ul className="flex flex-col gap-2">
            {needs.conflicts.map((conflict) => (
              <li
                key={conflict.changeId}
                className="rounded-lg border-2 border-purple-200 bg-purple-50 p-3"
                data-testid="conflict"
              >
                <p className="text-sm text-gray-700" data-testid="conflict-where">
                  {conflict.where}
                </p>
                <p className="mb-1 font-semibold">{changeFieldLabel(conflict.field, t, conflict.entity)}</p>
                <dl className="mb-2 grid grid-cols-[auto_1fr] gap-x-3 text-base">
                  <dt className="text-gray-700">{t("sync.registerValue")}</dt>
                  <dd>{show(conflict, conflict.registerValue)}</dd>
                  <dt className="text-gray-700">{t("sync.serverValue")}</dt>
                  <dd className="font-semibold" data-testid="server-value">
                    {show(conflict, conflict.serverValue)}
                  </dd>
                  {conflict.setBy && (
                    <>
                      <dt className="text-gray-700">{t("sync.setBy")}</dt>
                      <dd data-testid="set-by">{setterText(conflict.setBy, t)}</dd>
                    </>
                  )}
                  <dt className="text-gray-700">{t("sync.yourValue")}</dt>
                  <dd className="font-semibold" data-testid="your-value">
                    {show(conflict, conflict.observedValue)}
                  </dd>
                </dl>
                <div className="flex flex-wrap gap-2">
                  <button
                    type="button"
                    onClick={() => void resolveConflict(db, conflict, conflict.serverValue)}
                    className="min-h-11 rounded-lg border-2 border-gray-400 bg-white px-3 font-semibold"
                  >
                    {t("sync.keepServer")}
                  </button>
                  <button
                    type="button"
                    onClick={() => void resolveConflict(db, conflict, conflict.observedValue)}
                    className="min-h-11 rounded-lg border-2 border-brand bg-white px-3 font-semibold text-brand"
                  >
                    {t("sync.useMine")}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
      {needs.notices.length > 0 && <NoticeList db={db} notices={needs.notices} show={show} />}
    </div>
  );
}
