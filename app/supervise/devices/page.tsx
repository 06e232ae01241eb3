"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type DeviceMark, deviceLabel, parseUserAgent } from "@/domain/device";
import { useI18n } from "../../_components/i18n";
import { useTRPC } from "../../_components/trpc";
import { LockSetting } from "./_parts/lock-setting";

const mb = (bytes: number | null) => (bytes == null ? "—" : `${Math.round(bytes / 1_048_576)} MB`);

/** Officers' phones: who synced when, what they still hold, and whether the browser may evict it. */
export default function DevicesPage() {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const list = useQuery(trpc.device.list.queryOptions());
  const queryClient = useQueryClient();
  const mark = useMutation(
    trpc.device.mark.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.device.list.queryKey() }),
    }),
  );
  const ask = (device: { id: string; displayName: string }, as: DeviceMark | null) => {
    const question =
      as === "lost"
        ? "devices.confirmLost"
        : as === "retired"
          ? "devices.confirmRetired"
          : "devices.confirmLift";
    if (window.confirm(t(question, { officer: device.displayName })))
      mark.mutate({ deviceId: device.id, mark: as });
  };
  if (list.isPending) return <p className="p-4 text-gray-700">{t("review.loading")}</p>;
  if (list.isError)
    return (
      <p role="alert" className="rounded-lg bg-red-50 p-3 text-red-900">
        {list.error.message}
      </p>
    );
  const stale = list.data.filter((device) => device.stale).length;
  const time = (value: Date | null) => (value ? new Date(value).toLocaleString(locale) : t("devices.never"));
  return (
    <section aria-labelledby="devices-title">
      <h1 id="devices-title" className="mb-2 text-lg font-bold">
        {t("supervise.devices")} · {list.data.length}
      </h1>
      <LockSetting />
      {stale > 0 && (
        <p role="alert" className="mb-3 rounded-lg bg-red-50 p-3 font-semibold text-red-950">
          {t("devices.staleCount", { count: stale })}
        </p>
      )}
      {mark.isError && (
        <p role="alert" className="mb-3 rounded-lg bg-red-50 p-3 text-red-900">
          {mark.error.message}
        </p>
      )}
      {list.data.length === 0 ? (
        <p className="rounded-xl bg-white p-6 text-center text-gray-700 shadow-sm">{t("devices.empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-xl bg-white shadow-sm">
          <table className="w-full min-w-[64rem] text-left text-base">
            <thead>
              <tr className="border-b border-gray-300 text-sm text-gray-700">
                <th className="p-2">{t("devices.officer")}</th>
                <th className="p-2">{t("devices.device")}</th>
                <th className="p-2">{t("devices.lastSync")}</th>
                <th className="p-2">{t("devices.unsent")}</th>
                <th className="p-2">{t("devices.oldest")}</th>
                <th className="p-2">{t("devices.storage")}</th>
                <th className="p-2">{t("devices.version")}</th>
                <th className="p-2">{t("devices.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((device) => (
                <tr
                  key={device.id}
                  className={`border-b border-gray-100 ${device.stale ? "bg-red-50" : ""}`}
                  data-testid="device-row"
                  data-stale={device.stale}
                >
                  <td className="p-2 font-semibold">
                    {device.displayName}
                    <span className="block text-sm font-normal text-gray-700">{device.username}</span>
                  </td>
                  <td className="p-2" data-testid="device-name">
                    {deviceLabel(parseUserAgent(device.userAgent), t)}
                    <span className="block text-sm text-gray-700">
                      {t("devices.firstSeen", { time: time(device.firstSeenAt) })}
                    </span>
                  </td>
                  <td className="p-2">{time(device.lastSyncAt)}</td>
                  <td className="p-2 font-semibold">{device.unsentCount}</td>
                  <td className="p-2">
                    {device.oldestUnsentAt ? time(device.oldestUnsentAt) : "—"}
                    {device.stale && (
                      <span className="block text-sm font-semibold text-red-800">{t("devices.stale")}</span>
                    )}
                  </td>
                  <td className="p-2">
                    {device.storagePersisted === null
                      ? "—"
                      : device.storagePersisted
                        ? t("devices.persisted")
                        : t("devices.notPersisted")}
                    <span className="block text-sm text-gray-700">
                      {mb(device.storageUsage)} / {mb(device.storageQuota)}
                    </span>
                  </td>
                  <td className="p-2">{device.appVersion ?? "—"}</td>
                  <td className="p-2" data-testid="device-mark" data-mark={device.markedAs ?? ""}>
                    {device.markedAs ? (
                      <>
                        <span className="font-semibold text-red-800">
                          {t(`devices.marked.${device.markedAs}`)}
                        </span>
                        <span className="block text-sm text-gray-700">
                          {t("devices.markedAt", { time: time(device.markedAt) })}
                        </span>
                        <span className="block text-sm text-gray-700">
                          {device.wipeToldAt
                            ? t("devices.wipeTold", { time: time(device.wipeToldAt) })
                            : t("devices.wipeWaiting")}
                        </span>
                        <button
                          type="button"
                          disabled={mark.isPending}
                          onClick={() => ask(device, null)}
                          className="mt-1 min-h-11 rounded-lg border border-gray-500 px-3 font-semibold text-gray-800 hover:bg-gray-50 disabled:opacity-50"
                        >
                          {t("devices.lift")}
                        </button>
                      </>
                    ) : (
                      <div className="flex flex-wrap gap-2">
                        <button
                          type="button"
                          disabled={mark.isPending}
                          onClick={() => ask(device, "lost")}
                          className="min-h-11 rounded-lg border border-red-700 px-3 font-semibold text-red-800 hover:bg-red-50 disabled:opacity-50"
                        >
                          {t("devices.markLost")}
                        </button>
                        <button
                          type="button"
                          disabled={mark.isPending}
                          onClick={() => ask(device, "retired")}
                          className="min-h-11 rounded-lg border border-gray-500 px-3 font-semibold text-gray-800 hover:bg-gray-50 disabled:opacity-50"
                        >
                          {t("devices.markRetired")}
                        </button>
                      </div>
                    )}
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
