"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { changeFieldLabel, changeValueText } from "@/domain/change-value";
import { FIELD_INFO } from "@/domain/fields";
import { setterText, type ValueSetter } from "@/domain/push";
import { useI18n } from "../../_components/i18n";
import { useTRPC } from "../../_components/trpc";
import { browserDeviceId } from "../_parts/device-id";

/** Conflicts waiting in the supervisor's area: both values, who and when; one choice settles each. */
export default function ConflictsPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const list = useQuery(trpc.conflict.list.queryOptions());
  if (list.isPending) return <p className="p-4 text-gray-700">{t("review.loading")}</p>;
  if (list.isError)
    return (
      <p role="alert" className="rounded-lg bg-red-50 p-3 text-red-900">
        {list.error.message}
      </p>
    );
  return (
    <section aria-labelledby="conflicts-title">
      <h1 id="conflicts-title" className="mb-1 text-lg font-bold">
        {t("supervise.conflicts")} · {list.data.length}
      </h1>
      <p className="mb-3 text-gray-700">{t("conflicts.hint")}</p>
      {list.data.length === 0 ? (
        <p className="rounded-xl bg-white p-6 text-center text-gray-700 shadow-sm">{t("conflicts.empty")}</p>
      ) : (
        <ul className="grid gap-3 md:grid-cols-2">
          {list.data.map((item) => (
            <ConflictCard key={item.changeId} item={item} />
          ))}
        </ul>
      )}
    </section>
  );
}

type Item = {
  changeId: string;
  entity: string;
  field: string;
  /** Whose record: a person's name masked until revealed; a household number or a unit's name as is. */
  record: string | null;
  setBy: ValueSetter | null;
  registerValue: unknown;
  serverValue: unknown;
  observedValue: unknown;
  officerName: string;
  visitedAt: Date;
  gridName: string;
  address: string;
  unitNo: string | null;
  roomNo: string;
};

function ConflictCard({ item }: { item: Item }) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [other, setOther] = useState("");
  // One id per card: a double click or a retry is the same settlement.
  const [mutationId] = useState(() => crypto.randomUUID());
  const resolve = useMutation(
    trpc.conflict.resolve.mutationOptions({
      onSuccess: (result) => {
        if (result.status !== "conflict")
          void queryClient.invalidateQueries({ queryKey: trpc.conflict.list.queryKey() });
      },
    }),
  );
  const settle = (choice: "server" | "observed" | "other") =>
    resolve.mutate({
      mutationId,
      deviceId: browserDeviceId(),
      changeId: item.changeId,
      choice,
      value: choice === "other" ? other : undefined,
    });
  // Masked on the server; an end reason or a new record in words, never as an object.
  const show = (value: unknown) =>
    changeValueText(item.field, value, { locale, t, mask: false, entity: item.entity }) || "—";
  const outcome = resolve.data;
  // In clear once revealed (an audited read): only for this card's conflict.
  const reveal = useMutation(trpc.conflict.reveal.mutationOptions());
  const shown = reveal.data?.changeId === item.changeId ? { ...item, ...reveal.data } : item;
  return (
    <li
      className="rounded-xl border-2 border-purple-200 bg-white p-4 shadow-sm"
      data-testid="inbox-conflict"
      data-change-id={item.changeId}
    >
      <p className="text-sm text-gray-700">
        {item.gridName} · {[item.address, item.unitNo, item.roomNo].filter(Boolean).join(" ")}
      </p>
      <p className="mb-2 text-lg font-semibold" data-testid="inbox-title">
        {shown.record && (
          <>
            <span data-testid="inbox-record">{shown.record}</span>
            {" · "}
          </>
        )}
        {changeFieldLabel(item.field, t, item.entity)}
      </p>
      <dl className="mb-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-base">
        <dt className="text-gray-700">{t("conflicts.register")}</dt>
        <dd>{show(shown.registerValue)}</dd>
        <dt className="text-gray-700">{t("conflicts.server")}</dt>
        <dd className="font-semibold" data-testid="inbox-server">
          {show(shown.serverValue)}
          {item.setBy && (
            <span className="block text-sm font-normal text-gray-700" data-testid="inbox-set-by">
              {t("conflicts.setBy", { who: setterText(item.setBy, t) })}
            </span>
          )}
        </dd>
        <dt className="text-gray-700">{t("conflicts.observed", { officer: item.officerName })}</dt>
        <dd className="font-semibold" data-testid="inbox-observed">
          {show(shown.observedValue)}{" "}
          <span className="text-sm font-normal text-gray-700">
            {new Date(item.visitedAt).toLocaleString(locale)}
          </span>
        </dd>
      </dl>
      {shown === item && (
        <button
          type="button"
          disabled={reveal.isPending}
          onClick={() => reveal.mutate({ changeId: item.changeId })}
          className="mb-3 min-h-11 rounded-lg border-2 border-gray-400 px-3 text-sm font-semibold"
        >
          {t("review.reveal")}
        </button>
      )}
      {reveal.isError && (
        <p role="alert" className="mb-2 text-red-800">
          {reveal.error.message}
        </p>
      )}
      {outcome && outcome.status === "applied" ? (
        <p className="rounded-lg bg-green-50 p-2 font-semibold text-green-950" role="status">
          {t("conflicts.settled")}
        </p>
      ) : (
        <>
          {outcome?.status === "rejected" && (
            // A value the field's rule refuses: said as an error, and every choice stays open.
            <p
              role="alert"
              className="mb-2 rounded-lg border-2 border-red-700 bg-red-50 p-2 text-red-900"
              data-testid="inbox-error"
            >
              {outcome.message}
            </p>
          )}
          {outcome?.status === "conflict" && (
            <p role="alert" className="mb-2 rounded-lg bg-amber-50 p-2 text-amber-950">
              {t("conflicts.again")}
            </p>
          )}
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              disabled={resolve.isPending}
              onClick={() => settle("server")}
              className="min-h-11 rounded-lg border-2 border-gray-400 px-3 font-semibold"
            >
              {t("conflicts.keepServer")}
            </button>
            <button
              type="button"
              disabled={resolve.isPending}
              onClick={() => settle("observed")}
              className="min-h-11 rounded-lg border-2 border-brand px-3 font-semibold text-brand"
            >
              {t("conflicts.useObserved")}
            </button>
          </div>
          {!FIELD_INFO[item.field]?.table && (
            <form
              className="mt-2 flex gap-2"
              onSubmit={(event) => {
                event.preventDefault();
                if (other.trim()) settle("other");
              }}
            >
              <input
                value={other}
                onChange={(e) => setOther(e.target.value)}
                aria-label={t("conflicts.other")}
                placeholder={t("conflicts.other")}
                className="min-h-11 min-w-0 flex-1 rounded-lg border-2 border-gray-400 px-2"
              />
              <button
                type="submit"
                disabled={resolve.isPending}
                className="min-h-11 rounded-lg bg-brand px-3 font-semibold text-white"
              >
                {t("conflicts.useOther")}
              </button>
            </form>
          )}
          {resolve.isError && (
            <p role="alert" className="mt-2 text-red-800">
              {resolve.error.message}
            </p>
          )}
        </>
      )}
    </li>
  );
}
