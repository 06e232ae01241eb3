"use client";

import { useDeferredValue, useMemo, useState } from "react";
import { BUILDING_STATUSES, countsAt, type DecodedCompletion, doneRooms } from "@/domain/completion";
import { useI18n } from "../../_components/i18n";
import { BuildingChip } from "./building-status";

/** More rows than this is a list nobody reads, and slows every pan: zoom in, search or filter. */
export const LIST_LIMIT = 200;

const RANK = new Map(BUILDING_STATUSES.map((status, i) => [status, i]));

/** The list's words: of buildings, or of a district's or city's child areas (data.view). */
const WORDS = {
  buildings: {
    title: "map.list",
    search: "map.listSearch",
    searchHint: "map.listSearchHint",
    matches: "map.listMatches",
    inView: "map.listInView",
    empty: "map.listEmpty",
    column: "map.col.address",
  },
  areas: {
    title: "map.areaList",
    search: "map.areaSearch",
    searchHint: "map.areaSearchHint",
    matches: "map.areaMatches",
    inView: "map.areaInView",
    empty: "map.areaListEmpty",
    column: "map.col.area",
  },
} as const;

/**
 * The buildings (or, on a district's or city's map, its child areas: data-testid="area-row" and
 * data-area-id) beside the canvas, as a table anyone can read and a keyboard can use: those in the
 * map's view (or, with an address typed, every match), the most urgent first. Each row carries
 * data-testid="building-row", data-building-id and data-status for tests.
 */
export function BuildingList({
  data,
  inView,
  selectedId,
  onSelect,
}: {
  data: DecodedCompletion;
  /** Indices in the map's view; null while there is no map (loading, failed, no coordinates): all. */
  inView: number[] | null;
  selectedId: string | null;
  onSelect(index: number): void;
}) {
  const { t } = useI18n();
  const words = WORDS[data.view];
  const areaView = data.view === "areas";
  const [search, setSearch] = useState("");
  const query = useDeferredValue(search.trim().toLowerCase());

  const { rows, total } = useMemo(() => {
    let indices: number[];
    if (query) {
      indices = [];
      for (let i = 0; i < data.count; i++) if (data.address(i).toLowerCase().includes(query)) indices.push(i);
    } else if (inView) {
      // The view may still describe the previous data set for a frame: keep only indices that exist.
      indices = inView.filter((i) => i < data.count);
    } else indices = Array.from({ length: data.count }, (_, i) => i);
    // Urgent first, then the server's order (grid by grid, by address): numbers only, fast for 10,000.
    const sorted = [...indices].sort(
      (a, b) => (RANK.get(data.status[a]) ?? 0) - (RANK.get(data.status[b]) ?? 0) || a - b,
    );
    return { rows: sorted.slice(0, LIST_LIMIT), total: indices.length };
  }, [data, inView, query]);

  return (
    <section className="rounded-xl bg-white p-3 shadow-sm" aria-labelledby="building-list-title">
      <h2 id="building-list-title" className="text-lg font-bold">
        {t(words.title)}
      </h2>
      <label className="mt-2 flex flex-col gap-1 text-sm font-medium text-gray-700">
        {t(words.search)}
        <input
          type="search"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          placeholder={t(words.searchHint)}
          data-testid="building-search"
          className="min-h-11 rounded-lg border border-gray-300 px-3 text-base text-gray-900"
        />
      </label>
      <p className="mt-2 text-sm text-gray-700" aria-live="polite" data-testid="building-count">
        {query ? t(words.matches, { count: total }) : t(words.inView, { count: total })}
      </p>
      {total > LIST_LIMIT && (
        <p className="mt-1 text-sm text-amber-900">{t("map.listTruncated", { shown: LIST_LIMIT })}</p>
      )}
      {rows.length === 0 ? (
        <p className="mt-3 rounded-lg bg-gray-50 p-3 text-base text-gray-700">
          {query ? t("map.empty") : t(words.empty)}
        </p>
      ) : (
        <div className="mt-2 overflow-x-auto lg:max-h-[calc(100dvh-22rem)] lg:overflow-y-auto">
          <table className="w-full border-collapse text-left text-sm">
            <thead className="sticky top-0 bg-white text-gray-600">
              <tr>
                <th scope="col" className="py-2 pr-2 font-semibold">
                  {t(words.column)}
                </th>
                <th scope="col" className="px-2 py-2 text-right font-semibold whitespace-nowrap">
                  {t("map.col.visited")}
                </th>
                <th scope="col" className="py-2 pl-2 font-semibold">
                  {t("map.col.status")}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((i) => {
                const id = data.ids[i];
                const selected = id === selectedId;
                const prefix = data.areas[data.grid[i]]?.addressPrefix ?? "";
                const address = data.address(i);
                return (
                  <tr
                    key={id}
                    data-testid={areaView ? "area-row" : "building-row"}
                    data-building-id={areaView ? undefined : id}
                    data-area-id={areaView ? id : undefined}
                    data-status={data.status[i]}
                    aria-current={selected ? "true" : undefined}
                    className={`border-t border-gray-100 ${selected ? "bg-sky-50" : ""}`}
                  >
                    <td className="py-1 pr-2">
                      <button
                        type="button"
                        onClick={() => onSelect(i)}
                        className="min-h-11 w-full text-left text-base text-brand underline-offset-2 hover:underline"
                      >
                        {/* The grid's shared start is long and the same on every row: small, above the rest. */}
                        {!areaView && prefix && address.length > prefix.length ? (
                          <>
                            <span className="block text-xs text-gray-500">{prefix}</span>
                            <span className="font-medium">{address.slice(prefix.length)}</span>
                          </>
                        ) : (
                          <span className="font-medium">{address}</span>
                        )}
                      </button>
                    </td>
                    <td className="px-2 py-1 text-right tabular-nums whitespace-nowrap">
                      {t("map.visitedOfRooms", {
                        visited: Math.min(data.rooms[i], doneRooms(countsAt(data, i))),
                        rooms: data.rooms[i],
                      })}
                    </td>
                    <td className="py-1 pl-2">
                      <BuildingChip status={data.status[i]} share={data.share[i]} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
