"use client";

import Link from "next/link";
import {
  memo,
  startTransition,
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { maskIdNumber } from "@/domain/mask";
import {
  buildSearchIndex,
  buildWorkList,
  gridCounts,
  ROOM_STATUSES,
  type RoomStatus,
  roomHref,
  searchGrid,
  type WorkBuilding,
  type WorkFeedback,
  type WorkHousehold,
  type WorkListBuilding,
  type WorkNamed,
  type WorkPerson,
  type WorkRoom,
  type WorkTarget,
  type WorkVisit,
} from "@/domain/worklist";
import { useI18n } from "../../_components/i18n";
import { StatusChip } from "../../_components/status";
import type { GridData } from "../_lib/use-field-grid";
import { GridMap } from "./grid-map";

/** Hits listed at most: past this the officer is asked to type more, not to scroll a street. */
const HIT_LIMIT = 50;

/** The grid's rooms by building and floor, with counts, filters, the offline search and the map. */
export function WorkList({ data, targeted = false }: { data: GridData; targeted?: boolean }) {
  const { t } = useI18n();
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<RoomStatus | "all">("all");
  const [mode, setMode] = useState<"list" | "map">("list");
  const [scrollTo, setScrollTo] = useState<string | null>(null);
  const searchBox = useRef<HTMLLabelElement>(null);
  const deferredQuery = useDeferredValue(query);
  const input = useMemo(
    () => ({
      buildings: data.buildings as unknown as WorkBuilding[],
      rooms: data.rooms as unknown as WorkRoom[],
      households: data.households as unknown as WorkHousehold[],
      persons: data.persons as unknown as WorkPerson[],
      visits: data.visits as unknown as WorkVisit[],
      residentFeedback: data.residentFeedback as unknown as WorkFeedback[],
      // A targeted campaign lists, searches and counts its targets only (domain/worklist.ts).
      targets: targeted ? (data.campaignTargets as unknown as WorkTarget[]) : null,
      rentals: data.rentals as unknown as WorkNamed[],
      units: data.units as unknown as WorkNamed[],
    }),
    [data, targeted],
  );
  const list = useMemo(() => buildWorkList(input), [input]);
  // Built just after the list is drawn (or at a search typed before that), not with it: the list
  // alone is what the officer sees first, and the first keystroke then finds the index ready.
  const [indexWanted, setIndexWanted] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => startTransition(() => setIndexWanted(true)));
    return () => clearTimeout(timer);
  }, []);
  const searching = deferredQuery.trim() !== "";
  const buildIndex = searching || indexWanted;
  const index = useMemo(() => {
    if (!buildIndex) return null;
    const started = performance.now();
    const built = buildSearchIndex(input);
    // For the bench (scripts/bench-field.ts): the index's cost, and when the grid became searchable.
    performance.measure("doorstep:search-index", { start: started, end: performance.now() });
    return built;
  }, [input, buildIndex]);
  const hits = useMemo(() => {
    if (!index) return [];
    const started = performance.now();
    // One more than shown, to know whether there were more.
    const found = searchGrid(index, deferredQuery, HIT_LIMIT + 1);
    if (deferredQuery) performance.measure("doorstep:search", { start: started, end: performance.now() });
    return found;
  }, [index, deferredQuery]);
  const statusOf = useMemo(
    () => new Map(list.flatMap((b) => b.floors.flatMap((f) => f.rooms.map((r) => [r.id, r.status])))),
    [list],
  );
  const showHits = deferredQuery.trim() !== "";
  const totals = list.reduce(
    (acc, b) => {
      for (const status of ROOM_STATUSES) acc[status] += b.counts[status];
      return acc;
    },
    { todo: 0, done: 0, revisit: 0, returned: 0, conflict: 0, approved: 0 } as Record<RoomStatus, number>,
  );
  const total = ROOM_STATUSES.reduce((sum, s) => sum + totals[s], 0);
  // The counts every screen shows, defined once (domain/counts.ts); the chips below are room states.
  const counts = useMemo(() => gridCounts(input), [input]);
  const mapBuildings = useMemo(
    () => (filter === "all" ? list : list.filter((b) => b.counts[filter] > 0)),
    [list, filter],
  );
  const pickBuilding = useCallback((buildingId: string) => {
    setQuery("");
    setMode("list");
    setScrollTo(buildingId);
  }, []);
  // For the bench (scripts/bench-field.ts): when the list was first on the screen.
  useEffect(() => {
    performance.mark("doorstep:work-list-drawn");
  }, []);
  useEffect(() => {
    if (hits.length > 0) performance.mark("doorstep:hits-drawn");
  }, [hits]);
  useEffect(() => {
    if (mode !== "list" || !scrollTo) return;
    const scroll = () => document.getElementById(`building-${scrollTo}`)?.scrollIntoView({ block: "start" });
    scroll();
    // Again once the page has laid out the buildings above it: those drawn while the map was shown
    // were first placed at their estimated height (content-visibility), and the first scroll missed.
    // (Not cancelled when scrollTo clears just below: that is this very effect's next run.)
    requestAnimationFrame(() => requestAnimationFrame(scroll));
    setScrollTo(null);
  }, [mode, scrollTo]);

  return (
    <>
      <section className="mb-3 rounded-xl bg-white p-4 shadow-sm">
        <p className="text-base font-semibold" data-testid="grid-progress">
          {t(targeted ? "field.progressTargets" : "field.progress", {
            done: counts.checked,
            total: counts.rooms,
          })}
        </p>
        {targeted && <p className="text-sm text-gray-700">{t("field.targetedNote")}</p>}
        <p className="mb-2 text-sm text-gray-700" data-testid="grid-counts">
          {t(targeted ? "field.countsTargets" : "field.counts", {
            visited: counts.visited,
            revisit: counts.revisitDue,
          })}
        </p>
        <div className="h-3 w-full overflow-hidden rounded-full bg-gray-200" aria-hidden>
          <div
            className="h-full bg-status-done"
            style={{ width: `${counts.rooms ? (100 * counts.checked) / counts.rooms : 0}%` }}
          />
        </div>
        <div className="mt-3 flex gap-2 overflow-x-auto pb-1">
          {(["all", ...ROOM_STATUSES] as const).map((status) => (
            <button
              key={status}
              type="button"
              aria-pressed={filter === status}
              onClick={() => setFilter(status)}
              className="min-h-11 shrink-0 rounded-full border border-gray-300 px-3 text-sm aria-pressed:border-brand aria-pressed:bg-brand aria-pressed:text-white"
            >
              {status === "all" ? t("field.all") : t(`status.${status}`)}{" "}
              {status === "all" ? total : totals[status]}
            </button>
          ))}
        </div>
      </section>
      <fieldset className="mb-3 grid grid-cols-2 gap-1 rounded-xl bg-white p-1 shadow-sm">
        <legend className="sr-only">{t("field.viewLabel")}</legend>
        {(["list", "map"] as const).map((m) => (
          <button
            key={m}
            type="button"
            aria-pressed={mode === m}
            onClick={() => setMode(m)}
            className="min-h-11 rounded-lg text-base font-semibold text-gray-800 aria-pressed:bg-brand aria-pressed:text-white"
          >
            {m === "list" ? t("field.viewList") : t("field.viewMap")}
          </button>
        ))}
      </fieldset>
      {mode === "map" && (
        <GridMap grids={data.grids} buildings={mapBuildings} onPickBuilding={pickBuilding} />
      )}
      {/* scroll-mt clears the sticky header when a first keystroke brings the box to the top. */}
      <label ref={searchBox} className="mb-3 block scroll-mt-16" hidden={mode === "map"}>
        <span className="sr-only">{t("field.searchLabel")}</span>
        <input
          type="search"
          value={query}
          onChange={(event) => {
            const next = event.target.value;
            if (!query.trim() && next.trim()) performance.mark("doorstep:search-typed");
            // The box sits below the panels, so hits would open below the fold (and under the phone's
            // keyboard): on the first keystroke it moves to the top, with the hits right under it.
            if (!query.trim() && next.trim()) searchBox.current?.scrollIntoView({ block: "start" });
            setQuery(next);
          }}
          placeholder={t("field.search")}
          className="min-h-12 w-full rounded-xl border border-gray-400 bg-white px-4 text-lg"
        />
      </label>
      {/* Always in the page, so a screen reader hears the count change as the officer types. */}
      <p
        role="status"
        aria-live="polite"
        className={showHits ? "mb-2 px-1 text-base text-gray-800" : "sr-only"}
        data-testid="search-count"
        hidden={mode === "map"}
      >
        {!showHits
          ? ""
          : hits.length === 0
            ? t("field.noHits")
            : hits.length > HIT_LIMIT
              ? t("field.hitsMore", { count: HIT_LIMIT })
              : t("field.hits", { count: hits.length })}
      </p>
      {showHits && (
        // At least a screen tall, so the page stays long enough to keep the box at the top.
        <ul
          className="flex min-h-dvh flex-col gap-2"
          aria-label={t("field.searchLabel")}
          data-testid="search-hits"
          hidden={mode === "map"}
        >
          {hits.slice(0, HIT_LIMIT).map((hit) => {
            const status = statusOf.get(hit.roomId);
            return (
              <li key={`${hit.roomId}:${hit.personId ?? ""}`}>
                <Link
                  href={roomHref(hit.roomId, hit.personId)}
                  prefetch={false}
                  className="flex min-h-14 items-center gap-3 rounded-xl border-2 border-transparent bg-white p-3 shadow-sm hover:border-brand"
                >
                  <span className="min-w-0 flex-1">
                    <span className="block text-base text-gray-800">{hit.address}</span>
                    <span className="block text-lg font-semibold">
                      {hit.unitNo ? `${t("register.unitNo", { unit: hit.unitNo })} ` : ""}
                      {t("register.room", { room: hit.roomNo })}
                    </span>
                    {hit.personId && (
                      <span className="block text-base font-semibold text-gray-900">
                        {hit.name}
                        {hit.byIdNumber ? ` · ${maskIdNumber(hit.match)}` : ""}
                      </span>
                    )}
                  </span>
                  {status && <StatusChip status={status} label={t(`status.${status}`)} />}
                  <span aria-hidden className="text-2xl leading-none text-gray-700">
                    ›
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
      {/* Kept mounted while the officer searches (hidden, as in map mode): a keystroke then neither
          redraws nor tears down hundreds of rooms, and clearing the box shows them at once. Hidden by
          a wrapper, not a prop: a prop would redraw every room at the first keystroke of a search. */}
      <div hidden={showHits || mode === "map"}>
        <BuildingList
          list={list}
          filter={filter}
          targeted={targeted}
          // The search index first: the rooms below the first screen can wait for it.
          paused={showHits || !index}
          // The map picks a building to scroll to: every building is on the page by then, as before
          // the slices (drawn while it is hidden, the scroll lands where it did).
          whole={scrollTo !== null || mode === "map"}
        />
      </div>
    </>
  );
}

/** Rooms drawn at once when the list appears: more than a phone's first screen shows below the panels. */
const FIRST_ROOMS = 30;
/** Rooms drawn in each later slice, between the phone's other work. */
const SLICE_ROOMS = 120;

/** The index past the buildings from `from` that hold about `rooms` rooms (at least one building). */
function sliceEnd(list: readonly WorkListBuilding[], from: number, rooms: number): number {
  let end = from;
  let count = 0;
  while (end < list.length && (end === from || count < rooms)) {
    count += list[end].floors.reduce((sum, floor) => sum + floor.rooms.length, 0);
    end += 1;
  }
  return end;
}

/**
 * The grid's buildings, floors and rooms, drawn in slices: the first screen at once, the rest in
 * transitions after it, so an unlock shows the list (and the search box) without waiting for hundreds
 * of rooms; on a slow phone drawing them all was the longest step of an unlock. The slices wait for
 * the search index and pause while a search hides the list, so they never hold up the hits; `whole`
 * draws every building at once (the map, whose "查看房间" scrolls to one). Memoised on its props, each building too: typing in
 * the search box re-renders the work list, not these hundreds of rooms.
 */
const BuildingList = memo(function BuildingList({
  list,
  filter,
  targeted,
  paused,
  whole,
}: {
  list: WorkListBuilding[];
  filter: RoomStatus | "all";
  targeted: boolean;
  paused: boolean;
  whole: boolean;
}) {
  const [drawn, setDrawn] = useState(() => sliceEnd(list, 0, FIRST_ROOMS));
  // Set during render, not in an effect: the building scrolled to must be on the page in this commit.
  if (whole && drawn < list.length) setDrawn(list.length);
  const complete = drawn >= list.length;
  useEffect(() => {
    if (paused || complete) return;
    // Each slice drawn runs this again for the next.
    const timer = setTimeout(() => startTransition(() => setDrawn(sliceEnd(list, drawn, SLICE_ROOMS))));
    return () => clearTimeout(timer);
  }, [list, paused, complete, drawn]);
  return (
    // data-complete: for tests that count the rooms on the page.
    <ul className="flex flex-col gap-3" data-testid="work-buildings" data-complete={complete}>
      {list.slice(0, drawn).map((building) => (
        <BuildingItem key={building.id} building={building} filter={filter} targeted={targeted} />
      ))}
    </ul>
  );
});

const BuildingItem = memo(function BuildingItem({
  building,
  filter,
  targeted,
}: {
  building: WorkListBuilding;
  filter: RoomStatus | "all";
  targeted: boolean;
}) {
  const { t } = useI18n();
  const floors = building.floors
    .map((floor) => ({
      ...floor,
      rooms: floor.rooms.filter((r) => filter === "all" || r.status === filter),
    }))
    .filter((floor) => floor.rooms.length > 0);
  const roomCount = floors.reduce((sum, floor) => sum + floor.rooms.length, 0);
  if (roomCount === 0) return null;
  return (
    <li
      id={`building-${building.id}`}
      // Buildings off screen are neither laid out nor painted until scrolled to.
      className="scroll-mt-16 rounded-xl bg-white p-3 shadow-sm [contain-intrinsic-block-size:auto_16rem] [content-visibility:auto]"
      data-testid="work-building"
    >
      <h2 className="mb-2 flex items-baseline justify-between gap-2">
        <span className="text-lg font-bold">{building.address}</span>
        <span className="shrink-0 text-sm text-gray-600">
          {t(targeted ? "field.targets" : "field.rooms", { count: roomCount })}
        </span>
      </h2>
      {floors.map((floor) => (
        <section key={floor.key} className="mt-2 first-of-type:mt-0">
          <h3 className="mb-1 text-sm font-semibold text-gray-600">
            {floor.unitNo ? `${t("register.unitNo", { unit: floor.unitNo })} · ` : ""}
            {t("register.floor", { floor: floor.floor })}
          </h3>
          <ul className="grid grid-cols-2 gap-2 min-[400px]:grid-cols-3">
            {floor.rooms.map((room) => (
              <li key={room.target?.id ?? room.id} data-testid="work-room" data-target={room.target?.id}>
                {/* No prefetch: a grid has hundreds of rooms, and the signal is weak. */}
                <Link
                  href={roomHref(
                    room.id,
                    room.target?.subjectKind === "person" ? room.target.subjectId : null,
                  )}
                  prefetch={false}
                  className="flex h-full min-h-14 flex-col justify-center rounded-lg border border-gray-200 px-2 py-1 hover:border-brand"
                >
                  <span className="text-base font-semibold">
                    {room.unitNo ? `${room.unitNo}-` : ""}
                    {room.roomNo}
                  </span>
                  {room.target && (
                    <span className="truncate text-base text-gray-900" data-testid="target-name">
                      {room.target.name}
                    </span>
                  )}
                  <StatusChip status={room.status} label={t(`status.${room.status}`)} />
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </li>
  );
});
