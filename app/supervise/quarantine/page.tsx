"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { codeLabel, VISIT_OUTCOME } from "@/domain/codes";
import { deviceLabel, parseUserAgent } from "@/domain/device";
import { useI18n } from "../../_components/i18n";
import { useTRPC } from "../../_components/trpc";

/**
 * Work handed over by phones marked lost or retired before they erased themselves: nothing reaches
 * the register until a supervisor accepts it (into review, as if pushed) or discards it, with a reason.
 */
export default function QuarantinePage() {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.device.quarantine.queryOptions());
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const decide = useMutation(
    trpc.device.decide.mutationOptions({
      onSuccess: (result) => setDone(t(`quarantine.${result.state}`)),
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.device.quarantine.queryKey() }),
    }),
  );
  const send = (id: string, decision: "accept" | "discard") => {
    const reason = (reasons[id] ?? "").trim();
    if (!reason) {
      setMissing(id);
      return;
    }
    setMissing(null);
    setDone(null);
    decide.mutate({ id, decision, reason });
  };

  if (list.isPending) return <p className="p-4 text-gray-700">{t("review.loading")}</p>;
  if (list.isError)
    return (
      <p role="alert" className="rounded-lg bg-red-50 p-3 text-red-900">
        {list.error.message}
      </p>
    );
  const time = (value: Date | string | null) => (value ? new Date(value).toLocaleString(locale) : "—");
  return (
    <section aria-labelledby="quarantine-title">
      <h1 id="quarantine-title" className="mb-2 text-lg font-bold">
        {t("quarantine.title")} · {list.data.length}
      </h1>
      <p className="mb-3 text-base text-gray-800">{t("quarantine.intro")}</p>
      {decide.isError && (
        <p role="alert" className="mb-3 rounded-lg bg-red-50 p-3 text-red-900">
          {decide.error.message}
        </p>
      )}
      {done && (
        <p role="status" className="mb-3 rounded-lg bg-green-50 p-3 text-green-900">
          {done}
        </p>
      )}
      {list.data.length === 0 ? (
        <p className="rounded-xl bg-white p-6 text-center text-gray-700 shadow-sm">{t("quarantine.empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-xl bg-white shadow-sm">
          <table className="w-full min-w-[64rem] text-left text-base">
            <thead>
              <tr className="border-b border-gray-300 text-sm text-gray-700">
                <th className="p-2">{t("quarantine.officer")}</th>
                <th className="p-2">{t("quarantine.device")}</th>
                <th className="p-2">{t("quarantine.grid")}</th>
                <th className="p-2">{t("quarantine.what")}</th>
                <th className="p-2">{t("quarantine.visitedAt")}</th>
                <th className="p-2">{t("quarantine.received")}</th>
                <th className="w-72 p-2">{t("quarantine.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((item) => (
                <tr key={item.id} className="border-b border-gray-100 align-top" data-testid="quarantine-row">
                  <td className="p-2 font-semibold">
                    {item.officerName}
                    <span className="block text-sm font-normal text-gray-700">{item.username}</span>
                  </td>
                  <td className="p-2">
                    {deviceLabel(parseUserAgent(item.userAgent), t)}
                    {item.markedAs && (
                      <span className="block text-sm font-semibold text-red-800">
                        {t(`devices.marked.${item.markedAs}`)}
                      </span>
                    )}
                  </td>
                  <td className="p-2">{item.gridName ?? "—"}</td>
                  <td className="p-2">
                    {item.kind === "visit"
                      ? t("quarantine.kind.visit", {
                          outcome: codeLabel(VISIT_OUTCOME, item.outcome ?? "", locale),
                          count: item.changeCount,
                        })
                      : t("quarantine.kind.resolve")}
                  </td>
                  <td className="p-2">{time(item.visitedAt)}</td>
                  <td className="p-2">{time(item.receivedAt)}</td>
                  <td className="p-2">
                    <label className="sr-only" htmlFor={`reason-${item.id}`}>
                      {t("quarantine.reason")}
                    </label>
                    <input
                      id={`reason-${item.id}`}
                      value={reasons[item.id] ?? ""}
                      onChange={(event) => {
                        setReasons((all) => ({ ...all, [item.id]: event.target.value }));
                        if (missing === item.id) setMissing(null);
                      }}
                      placeholder={t("quarantine.reasonPlaceholder")}
                      maxLength={500}
                      aria-invalid={missing === item.id}
                      className="mb-2 min-h-11 w-full rounded-lg border border-gray-400 px-2"
                    />
                    {missing === item.id && (
                      <span role="alert" className="mb-2 block text-sm font-semibold text-red-800">
                        {t("quarantine.reasonRequired")}
                      </span>
                    )}
                    <div className="flex flex-wrap gap-2">
                      <button
                        type="button"
                        disabled={decide.isPending}
                        onClick={() => send(item.id, "accept")}
                        className="min-h-11 rounded-lg bg-brand px-3 font-bold text-white disabled:opacity-50"
                      >
                        {t("quarantine.accept")}
                      </button>
                      <button
                        type="button"
                        disabled={decide.isPending}
                        onClick={() => send(item.id, "discard")}
                        className="min-h-11 rounded-lg border border-gray-500 px-3 font-semibold text-gray-800 disabled:opacity-50"
                      >
                        {t("quarantine.discard")}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
