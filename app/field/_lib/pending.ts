import "client-only";
import { useEffect, useState } from "react";
import type { FieldDatabase } from "./store";

/**
 * The pending count and its change signal, apart from the outbox writer: the work list needs only
 * these, and must not load the visit schemas (and zod) to show a number.
 */

const CHANNEL = "doorstep-outbox";
const listeners = new Set<() => void>();
let channel: BroadcastChannel | null | undefined;

function getChannel(): BroadcastChannel | null {
  if (channel === undefined) {
    channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(CHANNEL);
    channel?.addEventListener("message", () => {
      for (const listener of listeners) listener();
    });
  }
  return channel;
}

/** Tells this tab's listeners and other tabs that the outbox changed. */
export function notifyOutboxChanged(): void {
  for (const listener of listeners) listener();
  try {
    getChannel()?.postMessage({ type: "outbox-changed" });
  } catch {
    // a closed channel: other tabs re-read on their next save
  }
}

export function onOutboxChanged(listener: () => void): () => void {
  getChannel();
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export async function countPending(db: FieldDatabase): Promise<number> {
  let count = 0;
  for (
    let cursor = await db.transaction("outbox").store.openCursor();
    cursor;
    cursor = await cursor.continue()
  ) {
    if (cursor.value.state === "pending") count += 1;
  }
  return count;
}

/** The number of saved visits not yet accepted by the server; null until it has been read. */
export function usePendingCount(db: FieldDatabase | null): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!db) return;
    let live = true;
    const read = () => {
      countPending(db)
        .then((n) => {
          if (live) setCount(n);
        })
        .catch((error) => console.warn("outbox count failed", error));
    };
    read();
    const off = onOutboxChanged(read);
    return () => {
      live = false;
      off();
    };
  }, [db]);
  return count;
}
