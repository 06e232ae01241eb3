"use client";

import Link from "next/link";
import { startTransition, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { maskIdNumber } from "@/domain/mask";
import { PullFormatError } from "@/domain/wire";
import {
  buildSearchIndex,
  buildWorkList,
  ROOM_STATUSES,
  type RoomStatus,
  roomHref,
  searchGrid,
  type WorkBuilding,
  type WorkFeedback,
  type WorkHousehold,
  type WorkPerson,
  type WorkRoom,
  type WorkVisit,
} from "@/domain/worklist";
import { useI18n } from "../_components/i18n";
import { LanguageSwitch } from "../_components/shell";
import { StatusChip } from "../_components/status";
import { useTRPCClient } from "../_components/trpc";
import { usePendingCount } from "./_lib/pending";
import { pullAll } from "./_lib/pull";
import { type LocalUser, readLocalUser, rememberLocalUser } from "./_lib/session";
import { type FieldDatabase, openFieldDb, readAll, readMeta } from "./_lib/store";
import { useSync } from "./_lib/use-sync";
import { GridMap } from "./_parts/grid-map";
import { OfflineMapPanel } from "./_parts/offline-map";
import { SyncChip, SyncPanel } from "./_parts/sync-bar";

type GridData = Awaited<ReturnType<typeof readAll>>;

/** Hits listed at most: past this the officer is asked to type more, not to scroll a street. */
const HIT_LIMIT = 50;

type Campaign = { id: string; name: string };

type Download =
  | { state: "idle" }
  | { state: "running"; rows: number }
  /** `outdated`: the server speaks a newer download format than this app reads. */
  | { state: "failed"; rows: number; outdated?: boolean };

function useLocalUser() {
  const client = useTRPCClient();
  const [user, setUser] = useState<LocalUser | null | undefined>(undefined);
  useEffect(() => {
    const local = readLocalUser();
    setUser(local);
    // Online, the server has the last word on who is logged in; offline, the phone's memory will do.
    client.auth.me
      .query()
      .then((me) => {
        if (me) {
          rememberLocalUser(me);
          setUser(me);
        } else if (!local) setUser(null);
      })
      .catch(() => {
        if (!local) setUser(null);
      });
  }, [client]);
  return user;
}

export default function FieldPage() {
  const { t } = useI18n();
  const user = useLocalUser();
  const client = useTRPCClient();
  const [db, setDb] = useState<FieldDatabase | null>(null);
  const [data, setData] = useState<GridData | null>(null);
  const [storeFailed, setStoreFailed] = useState(false);
  const [pulledAt, setPulledAt] = useState<string | undefined>();
  const [download, setDownload] = useState<Download>({ state: "idle" });
  const pending = usePendingCount(db);
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);
  const [campaignId, setCampaignId] = useState<string | null>(null);

  useEffect(() => {
    if (!user) return;
    // Online only; offline the phone keeps working on the campaign it downloaded.
    client.sync.campaigns
      .query()
      .then((list) => {
        setCampaigns(list);
        setCampaignId((held) => held ?? list[0]?.id ?? null);
      })
      .catch(() => setCampaigns(null));
  }, [client, user]);

  useEffect(() => {
    if (!user) return;
    let closed = false;
    openFieldDb(user.id)
      .then(async (opened) => {
        if (closed) return opened.close();
        setDb(opened);
        const held = await readMeta<string>(opened, "campaignId");
        if (held) setCampaignId(held);
        const stored = await readAll(opened);
        // A grid is hundreds of rooms: a transition lets React draw them in slices between the
        // phone's other work rather than in one long task.
        startTransition(() => setData(stored));
        setPulledAt(await readMeta<string>(opened, "pulledAt"));
      })
      // Without a store (a private window that refuses IndexedDB) the panels still show, and say so.
      .catch(() => setStoreFailed(true));
    return () => {
      closed = true;
    };
  }, [user]);

  const pull = useCallback(async () => {
    if (!db) return;
    setDownload({ state: "running", rows: 0 });
    try {
      await pullAll(
        db,
        (input) => client.sync.pull.mutate(input),
        campaignId,
        (rows) => setDownload({ state: "running", rows }),
      );
      setData(await readAll(db));
      setPulledAt(await readMeta<string>(db, "pulledAt"));
      setDownload({ state: "idle" });
    } catch (error) {
      console.warn("pull failed", error);
      setData(await readAll(db));
      const outdated = error instanceof PullFormatError;
      setDownload((d) => ({ state: "failed", rows: d.state === "running" ? d.rows : 0, outdated }));
    }
  }, [db, client, campaignId]);

  const hasData = !!data && data.rooms.length > 0;
  // After each sync, bring in what others changed (and visits returned for rework), quietly.
  const refresh = useCallback(async () => {
    if (!db || !(await readMeta<string>(db, "cursor"))) return;
    await pullAll(db, (input) => client.sync.pull.mutate(input), campaignId);
    setData(await readAll(db));
    setPulledAt(await readMeta<string>(db, "pulledAt"));
  }, [db, client, campaignId]);
  const { state: syncState, syncNow } = useSync(db, user?.id ?? null, refresh);

  const logout = async () => {
    if (pending && !window.confirm(t("field.logoutUnsent", { count: pending }))) return;
    // Only the session ends: the phone's database, outbox included, stays for the next login.
    await client.auth.logout.mutate().catch(() => {});
    window.location.assign("/login");
  };

  // The header is drawn at once and the rest only when the phone's store has been read, all together:
  // panels that appeared one by one pushed each other down the screen.
  const ready = user === null || (user !== undefined && (data !== null || storeFailed));
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-10 bg-brand text-white shadow">
        <div className="mx-auto flex max-w-3xl items-center gap-2 px-3 py-1">
          <span className="shrink-0 whitespace-nowrap text-lg font-bold">{t("app.name")}</span>
          <span className="min-w-0 truncate text-sm text-white/85">{user?.displayName}</span>
          <span className="flex-1" />
          <SyncChip pending={pending} state={syncState} onSync={() => void syncNow()} />
          <LanguageSwitch />
        </div>
      </header>
      <main className="mx-auto w-full max-w-3xl flex-1 px-3 py-3">
        {!ready ? null : !user ? (
          <div className="rounded-xl bg-white p-6 text-center shadow-sm">
            <p className="mb-4">{t("field.needLogin")}</p>
            <Link
              href="/login"
              className="inline-flex min-h-11 items-center rounded-lg bg-brand px-6 font-bold text-white"
            >
              {t("auth.submit")}
            </Link>
          </div>
        ) : (
          <>
            <SyncPanel
              db={db}
              username={user.username}
              pending={pending}
              state={syncState}
              onSync={() => void syncNow()}
            />
            <DownloadPanel
              download={download}
              hasData={hasData}
              pulledAt={pulledAt}
              onPull={pull}
              ready={!!db}
              campaigns={campaigns}
              campaignId={campaignId}
              onCampaign={setCampaignId}
            />
            {hasData && data && <OfflineMapPanel grids={data.grids} buildings={data.buildings} />}
            {hasData && data && <WorkList data={data} />}
            <div className="mt-6 flex justify-center">
              <button
                type="button"
                onClick={() => void logout()}
                className="min-h-11 rounded-lg px-4 text-base text-gray-700 underline"
                data-testid="logout"
              >
                {t("field.logout")}
              </button>
            </div>
          </>
        )}
      </main>
    </div>
  );
}

function DownloadPanel({
  download,
  hasData,
  pulledAt,
  onPull,
  ready,
  campaigns,
  campaignId,
  onCampaign,
}: {
  download: Download;
  hasData: boolean;
  pulledAt?: string;
  onPull: () => void;
  /** The phone's database is open: until then a tap would have nowhere to write. */
  ready: boolean;
  campaigns: Campaign[] | null;
  campaignId: string | null;
  onCampaign: (id: string) => void;
}) {
  const { t, locale } = useI18n();
  if (download.state === "running") {
    return (
      <div className="mb-3 rounded-xl bg-white p-4 shadow-sm" aria-live="polite">
        <p className="mb-2 text-base">{t("field.downloading", { rows: download.rows })}</p>
        <progress className="h-3 w-full accent-brand" aria-label={t("field.download")} />
      </div>
    );
  }
  return (
    <div className="mb-3 rounded-xl bg-white p-4 shadow-sm">
      {download.state === "failed" && (
        <p role="alert" data-testid="error" className="mb-3 rounded-lg bg-red-50 p-3 text-red-900">
          {t(download.outdated ? "field.appOutdated" : "field.downloadFailed")}
        </p>
      )}
      {!hasData && <p className="mb-1 text-lg font-semibold">{t("field.noGrid")}</p>}
      {!hasData && <p className="mb-3 text-gray-700">{t("field.downloadHint")}</p>}
      {campaigns && campaigns.length === 0 && (
        <p className="mb-3 rounded-lg bg-amber-50 p-3 text-amber-950">{t("field.noCampaign")}</p>
      )}
      {campaigns && campaigns.length === 1 && (
        <p className="mb-3 text-base" data-testid="campaign">
          {t("field.campaign", { name: campaigns[0].name })}
        </p>
      )}
      {campaigns && campaigns.length > 1 && (
        <fieldset className="mb-3">
          <legend className="mb-1 text-base font-semibold">{t("field.chooseCampaign")}</legend>
          {campaigns.map((campaign) => (
            <label key={campaign.id} className="flex min-h-11 items-center gap-3 text-base">
              <input
                type="radio"
                name="campaign"
                className="h-5 w-5"
                checked={campaignId === campaign.id}
                onChange={() => onCampaign(campaign.id)}
              />
              {campaign.name}
            </label>
          ))}
        </fieldset>
      )}
      <div className="flex items-center gap-3">
        <button
          type="button"
          onClick={onPull}
          disabled={!ready}
          className="min-h-12 rounded-lg bg-brand px-5 text-lg font-bold text-white disabled:opacity-60"
        >
          {download.state === "failed"
            ? t("field.resume")
            : hasData
              ? t("field.refresh")
              : t("field.download")}
        </button>
        {pulledAt && (
          <span className="text-sm text-gray-600" data-testid="pulled-at">
            {t("field.lastPulled", { time: new Date(pulledAt).toLocaleString(locale) })}
          </span>
        )}
      </div>
    </div>
  );
}

function WorkList({ data }: { data: GridData }) {
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
    }),
    [data],
  );
  const list = useMemo(() => buildWorkList(input), [input]);
  // Built on the first search, not on load: the list alone is what the officer sees first.
  const searching = deferredQuery.trim() !== "";
  const index = useMemo(() => (searching ? buildSearchIndex(input) : null), [input, searching]);
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
  const done = totals.done + totals.approved;
  const mapBuildings = useMemo(
    () => (filter === "all" ? list : list.filter((b) => b.counts[filter] > 0)),
    [list, filter],
  );
  const pickBuilding = useCallback((buildingId: string) => {
    setQuery("");
    setMode("list");
    setScrollTo(buildingId);
  }, []);
  useEffect(() => {
    if (mode !== "list" || !scrollTo) return;
    document.getElementById(`building-${scrollTo}`)?.scrollIntoView({ block: "start" });
    setScrollTo(null);
  }, [mode, scrollTo]);

  return (
    <>
      <section className="mb-3 rounded-xl bg-white p-4 shadow-sm">
        <p className="mb-2 text-base font-semibold" data-testid="grid-progress">
          {t("field.progress", { done, total })}
        </p>
        <div className="h-3 w-full overflow-hidden rounded-full bg-gray-200" aria-hidden>
          <div className="h-full bg-status-done" style={{ width: `${total ? (100 * done) / total : 0}%` }} />
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
      {showHits ? (
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
      ) : (
        <ul className="flex flex-col gap-3" hidden={mode === "map"}>
          {list.map((building) => {
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
                key={building.id}
                id={`building-${building.id}`}
                className="scroll-mt-16 rounded-xl bg-white p-3 shadow-sm"
                data-testid="work-building"
              >
                <h2 className="mb-2 flex items-baseline justify-between gap-2">
                  <span className="text-lg font-bold">{building.address}</span>
                  <span className="shrink-0 text-sm text-gray-600">
                    {t("field.rooms", { count: roomCount })}
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
                        <li key={room.id} data-testid="work-room">
                          {/* No prefetch: a grid has hundreds of rooms, and the signal is weak. */}
                          <Link
                            href={roomHref(room.id)}
                            prefetch={false}
                            className="flex h-full min-h-14 flex-col justify-center rounded-lg border border-gray-200 px-2 py-1 hover:border-brand"
                          >
                            <span className="text-base font-semibold">
                              {room.unitNo ? `${room.unitNo}-` : ""}
                              {room.roomNo}
                            </span>
                            <StatusChip status={room.status} label={t(`status.${room.status}`)} />
                          </Link>
                        </li>
                      ))}
                    </ul>
                  </section>
                ))}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
