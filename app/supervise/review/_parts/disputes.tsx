"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useI18n } from "../../../_components/i18n";
import { useTRPC } from "../../../_components/trpc";

/**
 * Residents' disputes from /check under the supervisor's area: what they said, and a note of how it
 * was handled. Until then the household's room stays on the officer's revisit list.
 */
export function Disputes() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [includeHandled, setIncludeHandled] = useState(false);
  const list = useQuery(trpc.check.disputes.queryOptions({ includeHandled, limit: 200 }));
  if (list.isPending) return <p className="p-4 text-gray-700">{t("review.loading")}</p>;
  if (list.isError)
    return (
      <p role="alert" className="rounded-lg bg-red-50 p-3 text-red-900">
        {list.error.message}
      </p>
    );
  const open = list.data.filter((row) => !row.handledAt).length;
  return (
    <div className="rounded-xl bg-white p-3 shadow-sm" data-testid="disputes">
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <p className="flex-1 text-base" data-testid="disputes-total">
          {t("dispute.total", { count: open })}
        </p>
        <label className="flex min-h-11 items-center gap-2 text-base">
          <input
            type="checkbox"
            className="h-5 w-5"
            checked={includeHandled}
            onChange={(event) => setIncludeHandled(event.target.checked)}
          />
          {t("dispute.showHandled")}
        </label>
      </div>
      {list.data.length === 0 ? (
        <p className="p-4 text-center text-gray-700">{t("dispute.empty")}</p>
      ) : (
        <ul className="flex flex-col gap-2">
          {list.data.map((row) => (
            <DisputeItem key={row.id} row={row} />
          ))}
        </ul>
      )}
    </div>
  );
}

interface DisputeRow {
  id: string;
  address: string;
  unitNo: string | null;
  roomNo: string;
  householdNo: string | null;
  gridName: string;
  fields: { personId: string | null; personName: string | null; field: string; comment: string }[];
  comment: string | null;
  phone: string | null;
  createdAt: Date;
  handledAt: Date | null;
  handledNote: string | null;
}

function DisputeItem({ row }: { row: DisputeRow }) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const handle = useMutation(
    trpc.check.handle.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.check.disputes.queryKey() }),
    }),
  );
  const noteId = `dispute-note-${row.id}`;
  return (
    <li className="rounded-lg border-2 border-gray-200 p-3" data-testid="dispute-item">
      <p className="font-semibold">{[row.address, row.unitNo, row.roomNo].filter(Boolean).join(" ")}</p>
      <p className="text-sm text-gray-700">
        {t("dispute.household", { no: row.householdNo ?? "—", grid: row.gridName })} ·{" "}
        {new Date(row.createdAt).toLocaleString(locale)}
      </p>
      <ul className="mt-1 flex flex-wrap gap-1 text-sm">
        {row.fields.map((f) => (
          <li
            key={`${f.personId}-${f.field}`}
            className="rounded-full bg-amber-100 px-2 py-0.5 font-medium text-amber-950"
          >
            {f.personName ?? t("feedback.household")}·{t(`dispute.field.${f.field}`)}
            {f.comment ? `：${f.comment}` : ""}
          </li>
        ))}
      </ul>
      {row.comment && <p className="mt-1 text-base">{t("dispute.comment", { comment: row.comment })}</p>}
      {row.phone && <p className="text-base">{t("dispute.phone", { phone: row.phone })}</p>}
      {row.handledAt ? (
        <p className="mt-2 text-sm text-green-900" data-testid="dispute-handled-note">
          {t("dispute.handled", {
            date: new Date(row.handledAt).toLocaleDateString(locale),
            note: row.handledNote ?? "",
          })}
        </p>
      ) : (
        <form
          className="mt-2 flex flex-col gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            handle.mutate({ id: row.id, note });
          }}
        >
          <label htmlFor={noteId} className="text-sm font-medium text-gray-800">
            {t("dispute.note")}
          </label>
          <textarea
            id={noteId}
            value={note}
            onChange={(event) => setNote(event.target.value)}
            maxLength={500}
            rows={2}
            aria-invalid={handle.isError}
            aria-describedby={handle.isError ? `${noteId}-error` : undefined}
            className="rounded-lg border border-gray-400 p-2 text-base"
          />
          {handle.isError && (
            <p id={`${noteId}-error`} role="alert" className="text-sm text-red-700">
              {handle.error.message}
            </p>
          )}
          <button
            type="submit"
            disabled={handle.isPending}
            className="min-h-11 rounded-lg border-2 border-brand bg-brand px-3 font-semibold text-white disabled:opacity-50"
          >
            {t("dispute.handle")}
          </button>
        </form>
      )}
    </li>
  );
}
