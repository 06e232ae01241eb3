"use client";

import { startTransition, useCallback, useEffect, useMemo, useState } from "react";
import { type HeldCampaign, ofCampaign } from "@/domain/held-campaigns";
import { PullFormatError } from "@/domain/wire";
import { useTRPCClient } from "../../_components/trpc-client";
import { pullCampaigns } from "./pull";
import { type LocalUser, readLocalUser, rememberLocalUser } from "./session";
import {
  ACTIVE_CAMPAIGN_META,
  type FieldDatabase,
  openFieldDb,
  readAll,
  readAllFirst,
  readHeldCampaigns,
  readMeta,
} from "./store";
import { useSync } from "./use-sync";

export type GridData = Awaited<ReturnType<typeof readAll>>;

export type Campaign = { id: string; name: string };

export type Download =
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

/**
 * The officer's grid on this phone: who is logged in, the phone's database and what it holds, the
 * campaigns to choose from (online), the download and the sync that pulls quietly after each push.
 */
export function useFieldGrid() {
  const user = useLocalUser();
  const client = useTRPCClient();
  const [db, setDb] = useState<FieldDatabase | null>(null);
  const [data, setData] = useState<GridData | null>(null);
  const [storeFailed, setStoreFailed] = useState(false);
  const [pulledAt, setPulledAt] = useState<string | undefined>();
  const [download, setDownload] = useState<Download>({ state: "idle" });
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);
  const [campaignId, setCampaignId] = useState<string | null>(null);
  // The campaigns the phone holds (each pull lists them) and the one the register came with.
  const [held, setHeld] = useState<{ held: HeldCampaign[]; primaryId: string | null }>({
    held: [],
    primaryId: null,
  });
  const readHeld = useCallback(async (opened: FieldDatabase) => {
    const found = await readHeldCampaigns(opened);
    setHeld({ held: found.held, primaryId: found.primaryId });
    if (found.activeId) setCampaignId(found.activeId);
  }, []);

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
        await readHeld(opened);
        // Usually begun already at the unlock (vault-gate.tsx): see readAllSoon.
        const stored = await readAllFirst(opened, user.id);
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
  }, [user, readHeld]);

  const pull = useCallback(async () => {
    if (!db) return;
    setDownload({ state: "running", rows: 0 });
    try {
      // Every open campaign of the officer, listed afresh: one may have opened since the page loaded.
      const list = await client.sync.campaigns.query();
      setCampaigns(list);
      await pullCampaigns(
        db,
        (input) => client.sync.pull.mutate(input),
        list,
        campaignId,
        (rows) => setDownload({ state: "running", rows }),
      );
      setData(await readAll(db));
      await readHeld(db);
      setPulledAt(await readMeta<string>(db, "pulledAt"));
      setDownload({ state: "idle" });
    } catch (error) {
      console.warn("pull failed", error);
      setData(await readAll(db));
      const outdated = error instanceof PullFormatError;
      setDownload((d) => ({ state: "failed", rows: d.state === "running" ? d.rows : 0, outdated }));
    }
  }, [db, client, campaignId, readHeld]);

  // After each sync, bring in what others changed (and visits returned for rework), quietly.
  const refresh = useCallback(async () => {
    if (!db || !(await readMeta<string>(db, "cursor"))) return;
    const list = await client.sync.campaigns.query();
    await pullCampaigns(db, (input) => client.sync.pull.mutate(input), list, campaignId);
    setData(await readAll(db));
    await readHeld(db);
    setPulledAt(await readMeta<string>(db, "pulledAt"));
  }, [db, client, campaignId, readHeld]);
  const { state: syncState, syncNow } = useSync(db, user?.id ?? null, refresh);

  /**
   * One tap on the switcher: the campaign worked on, remembered on the phone (a room opened next
   * records its visits for it). No signal needed: every campaign held is on the phone already.
   */
  const chooseCampaign = useCallback(
    (id: string) => {
      setCampaignId(id);
      if (db) void db.put("meta", id, ACTIVE_CAMPAIGN_META).catch(() => {});
    },
    [db],
  );

  // The rows of the campaign worked on: its visits, targets, codes and feedback; the register is shared.
  const view = useMemo(
    () => (data ? campaignView(data, campaignId, held.primaryId) : null),
    [data, campaignId, held],
  );
  const targeted = held.held.find((campaign) => campaign.id === campaignId)?.targeted === true;

  return {
    user,
    db,
    data: view,
    all: data,
    held: held.held,
    primaryId: held.primaryId,
    targeted,
    storeFailed,
    pulledAt,
    download,
    pull,
    campaigns,
    campaignId,
    setCampaignId: chooseCampaign,
    syncState,
    syncNow,
  };
}

/** What the phone holds, with the campaign-owned stores cut to the campaign worked on. */
export function campaignView(data: GridData, campaignId: string | null, primaryId: string | null): GridData {
  if (!campaignId) return data;
  return {
    ...data,
    visits: ofCampaign(data.visits, campaignId, primaryId),
    campaignTargets: ofCampaign(data.campaignTargets, campaignId, primaryId),
    householdCodes: ofCampaign(data.householdCodes, campaignId, primaryId),
    residentFeedback: ofCampaign(data.residentFeedback, campaignId, primaryId),
  };
}
