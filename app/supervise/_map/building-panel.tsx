"use client";

import { useQuery } from "@tanstack/react-query";
import { forwardRef } from "react";
import { codeLabel, VISIT_OUTCOME } from "@/domain/codes";
import { doneRooms } from "@/domain/completion";
import { ErrorPanel } from "../../_components/controls";
import { useI18n } from "../../_components/i18n";
import { StatusChip } from "../../_components/status";
import { useTRPC } from "../../_components/trpc";
import { BuildingChip } from "./building-status";
import type { MapFilters } from "./filters";

function useTimeFormat() {
  const { locale } = useI18n();
  const format = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
  return (value: Date | string) => format.format(new Date(value));
}

/**
 * One building's rooms and the state of each, from its latest visit under the map's filters: a side
 * panel on a wide screen, below the map on a phone.
 */
export const BuildingPanel = forwardRef<
  HTMLElement,
  { buildingId: string; filters: MapFilters; onClose(): void; onShow: (() => void) | null }
>(function BuildingPanel({ buildingId, filters, onClose, onShow }, ref) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const time = useTimeFormat();
  const { areaId: _area, ...visitFilters } = filters;
  const query = useQuery(trpc.map.building.queryOptions({ buildingId, ...visitFilters }));
  const view = query.data;

  return (
    <section
      ref={ref}
      tabIndex={-1}
      data-testid="building-panel"
      data-building-id={buildingId}
      data-status={view?.status}
      aria-labelledby="building-panel-title"
      className="rounded-xl bg-white p-3 shadow-sm outline-none focus-visible:ring-2 focus-visible:ring-brand"
    >
      <div className="flex items-start gap-2">
        <div className="min-w-0 flex-1">
          <h2 id="building-panel-title" className="text-sm font-semibold text-gray-600">
            {t("map.building")}
          </h2>
          <p className="text-lg font-bold break-words">{view?.building.address ?? "…"}</p>
          {view && <p className="text-sm text-gray-600">{t("map.grid", { name: view.building.gridName })}</p>}
        </div>
        <button
          type="button"
          onClick={onClose}
          className="min-h-11 shrink-0 rounded-lg border border-gray-300 px-3 text-sm font-medium hover:bg-gray-50"
        >
          {t("map.close")}
        </button>
      </div>

      {query.isPending ? (
        <p className="mt-3 text-base text-gray-600" aria-live="polite">
          {t("map.roomsLoading")}
        </p>
      ) : query.error ? (
        <div className="mt-3">
          <ErrorPanel message={query.error.message} onRetry={() => query.refetch()} />
        </div>
      ) : view ? (
        <>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <BuildingChip
              status={view.status}
              share={view.counts.rooms ? doneRooms(view.counts) / view.counts.rooms : 0}
            />
            <span className="text-sm text-gray-700">
              {t("map.progress", {
                done: Math.min(view.counts.rooms, doneRooms(view.counts)),
                total: view.counts.rooms,
                percent: view.counts.rooms
                  ? Math.round(
                      (100 * Math.min(view.counts.rooms, doneRooms(view.counts))) / view.counts.rooms,
                    )
                  : 0,
              })}
            </span>
            {onShow && (
              <button
                type="button"
                onClick={onShow}
                className="min-h-11 rounded-lg border border-brand px-3 text-sm font-medium text-brand hover:bg-sky-50"
              >
                {t("map.showOnMap")}
              </button>
            )}
          </div>
          {view.rooms.length === 0 ? (
            <p className="mt-3 rounded-lg bg-gray-50 p-3 text-base text-gray-700">{t("map.noRooms")}</p>
          ) : (
            <>
              <h3 className="mt-3 text-base font-semibold">{t("map.rooms", { count: view.rooms.length })}</h3>
              <ul className="mt-1 divide-y divide-gray-100">
                {view.rooms.map((room, i) => {
                  const previous = view.rooms[i - 1];
                  const newGroup =
                    !previous || previous.unitNo !== room.unitNo || previous.floor !== room.floor;
                  const where = [
                    room.unitNo ? t("map.unit", { unit: room.unitNo }) : null,
                    t("map.floor", { floor: room.floor }),
                  ]
                    .filter(Boolean)
                    .join(" · ");
                  return (
                    <li
                      key={room.id}
                      data-testid="room-row"
                      data-room-id={room.id}
                      data-status={room.status}
                      className="py-2"
                    >
                      {newGroup && <p className="mb-1 text-xs font-semibold text-gray-500">{where}</p>}
                      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                        <span className="min-w-16 text-base font-medium">
                          {t("map.room", { room: room.roomNo })}
                        </span>
                        <StatusChip status={room.status} label={t(`status.${room.status}`)} />
                      </div>
                      <p className="mt-0.5 text-sm text-gray-700">
                        {room.latest
                          ? [
                              codeLabel(VISIT_OUTCOME, room.latest.outcome, locale),
                              t(`map.review.${room.latest.reviewState}`),
                              t("map.visitedBy", {
                                officer: room.latest.officerName,
                                time: time(room.latest.visitedAt),
                              }),
                              room.visits > 1 ? t("map.visitCount", { count: room.visits }) : null,
                              room.latest.revisitDue && room.status === "revisit"
                                ? t("map.revisitDue", { date: room.latest.revisitDue })
                                : null,
                            ]
                              .filter(Boolean)
                              .join(" · ")
                          : t("map.notVisited")}
                      </p>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </>
      ) : null}
    </section>
  );
});
