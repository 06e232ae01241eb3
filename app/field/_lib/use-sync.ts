import "client-only";
import { useCallback, useEffect, useRef, useState } from "react";
import { CONTACT_HEADER, DEVICE_HEADER } from "@/domain/device";
import type { PushInput } from "@/domain/push";
import { appVersion } from "../../_components/public-env";
import { useTRPCClient } from "../../_components/trpc-client";
import { backoffDelay } from "./backoff";
import { countPending, onOutboxChanged } from "./pending";
import type { PushRun, PushTransport } from "./push";
import {
  CONTACT_TOKEN_META,
  deviceIdOf,
  type FieldDatabase,
  type PhotoRow,
  readMeta,
  WIPED_META,
} from "./store";

/** How often to try while work is waiting, and to report health when there is none. */
const TICK_MS = 60_000;
const HEALTH_EVERY_MS = 5 * 60_000;
/** A save is followed by a sync this soon, so a burst of saves goes in one request. */
const AFTER_SAVE_MS = 800;

/** Smaller batches on request (`localStorage["doorstep.sync.maxBatch"]`), for fault runs and weak links. */
function maxBatchSetting(): number | undefined {
  try {
    const value = Number(localStorage.getItem("doorstep.sync.maxBatch"));
    return Number.isInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

export type SyncState =
  | { phase: "idle"; lastSyncedAt: number | null }
  | { phase: "syncing"; lastSyncedAt: number | null }
  /** The last try failed (no signal, server down); the next one is at `retryAt`. */
  | { phase: "waiting"; lastSyncedAt: number | null; retryAt: number; failures: number }
  | { phase: "unauthorized"; lastSyncedAt: number | null }
  /** The device was marked lost or retired: its work went to the server and its data is erased. */
  | { phase: "wiped"; lastSyncedAt: number | null };

/**
 * The push loop: loaded at the first sync, not with the screen, so the work list and the room draw
 * sooner (offline it comes from the service worker's precache like every chunk of the build).
 */
const pushModule = () => import("./push");

/** PUTs the photo; `proof`: the device's id and contact token, for a phone without a session. */
async function uploadPhoto(
  photo: PhotoRow,
  gridId: string,
  proof?: { deviceId: string; token: string },
): Promise<void> {
  const response = await fetch(`/api/photos/${photo.sha256}?grid=${encodeURIComponent(gridId)}`, {
    method: "PUT",
    headers: {
      "content-type": photo.mime,
      ...(proof ? { [DEVICE_HEADER]: proof.deviceId, [CONTACT_HEADER]: proof.token } : {}),
    },
    body: photo.blob,
    credentials: "same-origin",
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    const { HttpError } = await pushModule();
    throw new HttpError(response.status, body?.error?.message ?? response.statusText);
  }
}

/**
 * Keeps the outbox flowing: after a save, on a timer, when the app comes back to the foreground,
 * when the browser says it is online, and on "sync now". Never asks `navigator.onLine` first: it
 * lies after an offline reload, so the only test of the network is to try.
 */
export function useSync(db: FieldDatabase | null, userId: string | null, afterSync?: () => Promise<void>) {
  const client = useTRPCClient();
  const [state, setState] = useState<SyncState>({ phase: "idle", lastSyncedAt: null });
  const running = useRef(false);
  const again = useRef(false);
  const failures = useRef(0);
  /** Runs in a row that left entries held back (the server failed on them, or gave no answer). */
  const heldRuns = useRef(0);
  const lastRun = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const afterSyncRef = useRef(afterSync);
  afterSyncRef.current = afterSync;

  const run = useCallback(async () => {
    if (!db || !userId) return;
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = true;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    // Erased before (this load or an earlier one): nothing left to send or to fetch.
    if (await readMeta(db, WIPED_META).catch(() => undefined)) {
      running.current = false;
      setState((s) => ({ phase: "wiped", lastSyncedAt: s.lastSyncedAt }));
      return;
    }
    setState((s) => ({ phase: "syncing", lastSyncedAt: s.lastSyncedAt }));
    const transport: PushTransport = {
      push: (input: PushInput) => client.sync.push.mutate(input),
      uploadPhoto,
    };
    // Used only once the server has said the phone is to erase: its visits and their photos go to
    // the quarantine by the device's contact token.
    const contactTransport = (token: string, deviceId: string): PushTransport => ({
      push: (input: PushInput) => client.vault.contact.mutate({ ...input, token }),
      uploadPhoto: (photo, gridId) => uploadPhoto(photo, gridId, { deviceId, token }),
    });
    let result: PushRun;
    try {
      const { pushOutbox } = await pushModule();
      const options = {
        appVersion: appVersion(),
        lockName: `doorstep-sync-${userId}`,
        maxBatch: maxBatchSetting(),
      };
      result = await pushOutbox(db, transport, options);
      // No session: if the officer was disabled, the server takes the unsent work by the device's
      // contact token into its quarantine and tells the phone to erase, as for a lost phone. Asked
      // first with nothing in it: for any other officer it answers 401, and the phone asks for a
      // login as before, its outbox untouched.
      const token =
        result.state === "unauthorized"
          ? await readMeta<string>(db, CONTACT_TOKEN_META).catch(() => undefined)
          : undefined;
      if (token) {
        const deviceId = await deviceIdOf(db);
        const told = await client.vault.contact.mutate({ deviceId, token, mutations: [] }).catch(() => null);
        if (told?.wipe) result = await pushOutbox(db, contactTransport(token, deviceId), options);
      }
      if (result.state === "done" && afterSyncRef.current) await afterSyncRef.current().catch(() => {});
    } catch (error) {
      result = { state: "failed", error };
    }
    lastRun.current = Date.now();
    running.current = false;
    if (result.state === "wiped") {
      setState((s) => ({ phase: "wiped", lastSyncedAt: s.lastSyncedAt }));
      return;
    }
    if (result.state === "unauthorized") {
      setState((s) => ({ phase: "unauthorized", lastSyncedAt: s.lastSyncedAt }));
      return;
    }
    if (result.state === "failed") {
      failures.current += 1;
      const delay = backoffDelay(failures.current);
      console.warn("sync failed; retrying in", delay, "ms", result.error);
      setState((s) => ({
        phase: "waiting",
        lastSyncedAt: s.lastSyncedAt,
        retryAt: Date.now() + delay,
        failures: failures.current,
      }));
      timer.current = setTimeout(() => void run(), delay);
      return;
    }
    failures.current = 0;
    setState((s) => ({ phase: "idle", lastSyncedAt: result.state === "done" ? Date.now() : s.lastSyncedAt }));
    // Everything else went in, but some entries wait: try them again, backing off like a failure,
    // without telling the officer the server is out of reach (it is not).
    if (result.state === "done" && result.held > 0) {
      heldRuns.current += 1;
      timer.current = setTimeout(() => void run(), backoffDelay(heldRuns.current));
    } else {
      heldRuns.current = 0;
    }
    if (again.current) {
      again.current = false;
      void run();
    }
  }, [db, userId, client]);

  // Triggers.
  useEffect(() => {
    if (!db || !userId) return;
    let soon: ReturnType<typeof setTimeout> | null = null;
    const runIfPending = async () => {
      const pending = await countPending(db).catch(() => 0);
      if (pending > 0 || Date.now() - lastRun.current > HEALTH_EVERY_MS) void run();
    };
    const offChanged = onOutboxChanged(() => {
      if (running.current) return;
      if (soon) clearTimeout(soon);
      soon = setTimeout(() => void runIfPending(), AFTER_SAVE_MS);
    });
    const onVisible = () => {
      if (document.visibilityState === "visible") void runIfPending();
    };
    const onOnline = () => void run();
    document.addEventListener("visibilitychange", onVisible);
    window.addEventListener("online", onOnline);
    const tick = setInterval(() => void runIfPending(), TICK_MS);
    void run();
    return () => {
      offChanged();
      if (soon) clearTimeout(soon);
      document.removeEventListener("visibilitychange", onVisible);
      window.removeEventListener("online", onOnline);
      clearInterval(tick);
      if (timer.current) clearTimeout(timer.current);
    };
  }, [db, userId, run]);

  // A warning before leaving with unsent work (the browser shows its own words).
  useEffect(() => {
    if (!db) return;
    let pending = 0;
    const read = () => {
      countPending(db)
        .then((n) => {
          pending = n;
        })
        .catch(() => {});
    };
    read();
    const off = onOutboxChanged(read);
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (pending === 0) return;
      event.preventDefault();
      // Older browsers need a return value to show the prompt.
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      off();
      window.removeEventListener("beforeunload", onBeforeUnload);
    };
  }, [db]);

  return { state, syncNow: run };
}

export interface StorageState {
  persisted: boolean | null;
  usage: number | null;
  quota: number | null;
}

/** Asks once for persistent storage (so the browser does not evict unsent work) and reports its state. */
export function useStorageState(ask: boolean): StorageState | null {
  const [state, setState] = useState<StorageState | null>(null);
  useEffect(() => {
    if (typeof navigator === "undefined" || !navigator.storage) return;
    let live = true;
    (async () => {
      let persisted = (await navigator.storage.persisted?.().catch(() => null)) ?? null;
      if (ask && persisted === false)
        persisted = (await navigator.storage.persist?.().catch(() => false)) ?? false;
      const estimate = await navigator.storage.estimate?.().catch(() => undefined);
      if (live) setState({ persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null });
    })();
    return () => {
      live = false;
    };
  }, [ask]);
  return state;
}
