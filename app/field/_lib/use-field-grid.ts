"use client";

import { startTransition, useCallback, useEffect, useState } from "react";
import { PullFormatError } from "@/domain/wire";
import { useTRPCClient } from "../../_components/trpc-client";
import { pullAll } from "./pull";
import { type LocalUser, readLocalUser, rememberLocalUser } from "./session";
import { type FieldDatabase, openFieldDb, readAll, readAllFirst, readMeta } from "./store";
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
  // Whether the campaign held visits only its targets (the pull says so with each page).
  const [targeted, setTargeted] = useState(false);

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
        setTargeted((await readMeta<boolean>(opened, "targeted")) === true);
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
      setTargeted((await readMeta<boolean>(db, "targeted")) === true);
      setPulledAt(await readMeta<string>(db, "pulledAt"));
      setDownload({ state: "idle" });
    } catch (error) {
      console.warn("pull failed", error);
      setData(await readAll(db));
      const outdated = error instanceof PullFormatError;
      setDownload((d) => ({ state: "failed", rows: d.state === "running" ? d.rows : 0, outdated }));
    }
  }, [db, client, campaignId]);

  // After each sync, bring in what others changed (and visits returned for rework), quietly.
  const refresh = useCallback(async () => {
    if (!db || !(await readMeta<string>(db, "cursor"))) return;
    await pullAll(db, (input) => client.sync.pull.mutate(input), campaignId);
    setData(await readAll(db));
    setTargeted((await readMeta<boolean>(db, "targeted")) === true);
    setPulledAt(await readMeta<string>(db, "pulledAt"));
  }, [db, client, campaignId]);
  const { state: syncState, syncNow } = useSync(db, user?.id ?? null, refresh);

  return {
    user,
    db,
    data,
    targeted,
    storeFailed,
    pulledAt,
    download,
    pull,
    campaigns,
    campaignId,
    setCampaignId,
    syncState,
    syncNow,
  };
}
