"use client";

import { usePathname } from "next/navigation";
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { shouldLock } from "@/domain/vault";
import { useTRPCClient } from "../../_components/trpc-client";
import { type LocalUser, readLocalUser, rememberLocalUser } from "../_lib/session";
import {
  CONTACT_TOKEN_META,
  deviceIdOf,
  isUnlocked,
  openFieldDb,
  openRawFieldDb,
  readAllSoon,
  WIPED_META,
} from "../_lib/store";
import {
  lockedState,
  lockVault,
  resumeSession,
  touchSession,
  unlockOnline,
  unlockWithPin,
} from "../_lib/vault";

export type Gate =
  | { state: "checking" }
  | { state: "open"; lockMinutes: number }
  | { state: "setPin"; setPin: (pin: string) => Promise<void>; lockMinutes: number }
  | { state: "locked"; pin: boolean; pending: number; withheld?: boolean };

// The lock and PIN screens load only when shown: the officer's /field JavaScript has a budget.
const LockScreen = lazy(() => import("./vault-screens").then((m) => ({ default: m.LockScreen })));
const PinSetup = lazy(() => import("./vault-screens").then((m) => ({ default: m.PinSetup })));

/** How long the server may take to say who is logged in before the phone counts itself offline. */
const ONLINE_WAIT_MS = 5_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error("no answer")), ms)),
  ]);
}

/** The officer's profile, sealed with the rest, so the screens can show it after an offline unlock. */
const PROFILE_META = "profile";

async function keepProfile(user: LocalUser, contactToken: string | null) {
  const db = await openFieldDb(user.id);
  try {
    await db.put("meta", user, PROFILE_META);
    // Sealed with the rest: the phone's word for its device should its officer be disabled (use-sync.ts).
    if (contactToken) await db.put("meta", contactToken, CONTACT_TOKEN_META);
    // The server handed out the device's secret, so no mark is in force on it: a phone erased under a
    // mark since lifted (found again), or for an officer enabled again, starts afresh and downloads.
    await db.delete("meta", WIPED_META);
  } finally {
    db.close();
  }
}

async function restoreProfile(userId: string) {
  const db = await openFieldDb(userId);
  try {
    const held = (await db.get("meta", PROFILE_META)) as LocalUser | undefined;
    if (held?.id === userId) rememberLocalUser(held);
  } finally {
    db.close();
  }
}

/**
 * The field screens behind the vault: nothing of the officer's store is shown until it is unlocked,
 * online by the device's secret from the server (a login always unlocks), offline by the PIN. A
 * first unlock asks for the PIN; the phone locks again when idle or hidden too long. The screens
 * themselves do not change: they render only once the store opens.
 */
export function VaultGate({ children }: { children: ReactNode }) {
  const client = useTRPCClient();
  const [gate, setGate] = useState<Gate>({ state: "checking" });
  const [userId, setUserId] = useState<string | null>(null);
  // On the work list, the grid is read as soon as the store is unlocked (store.ts readAllSoon).
  const onWorkList = usePathname() === "/field";

  const showLocked = useCallback(async (id: string, withheld = false) => {
    const shown = await lockedState(id).catch(() => ({ pin: false, pending: 0 }));
    setGate({ state: "locked", pin: shown.pin && !withheld, pending: shown.pending, withheld });
  }, []);

  useEffect(() => {
    let gone = false;
    (async () => {
      const local = readLocalUser();
      // undefined: offline or no answer; null: online, not logged in.
      const me = await within(client.auth.me.query(), ONLINE_WAIT_MS).catch(() => undefined);
      const id = me?.id ?? local?.id ?? null;
      if (gone) return;
      setUserId(id);
      if (!id) {
        // Nobody has logged in on this phone: the screen says to log in.
        setGate({ state: "open", lockMinutes: 15 });
        return;
      }
      if (me) rememberLocalUser(me);
      if (isUnlocked(id) || (await resumeSession(id))) {
        // Offline, the profile (name, username for a re-login) comes from the sealed store.
        if (!me) await restoreProfile(id);
        setGate({ state: "open", lockMinutes: (await lockedState(id)).lockMinutes });
        return;
      }
      if (me) {
        const raw = await openRawFieldDb(id);
        const deviceId = await deviceIdOf(raw).finally(() => raw.close());
        const key = await client.vault.deviceKey.mutate({ deviceId }).catch(() => null);
        if (key) {
          const opened = await unlockOnline(id, key);
          if (gone) return;
          if (opened.state === "withheld") return showLocked(id, true);
          await keepProfile(me, key.contactToken ?? null);
          setGate(
            opened.setPin
              ? { state: "setPin", setPin: opened.setPin, lockMinutes: key.lockMinutes }
              : { state: "open", lockMinutes: key.lockMinutes },
          );
          return;
        }
      }
      await showLocked(id);
    })().catch((error) => {
      console.warn("vault", error);
      if (!gone) setGate({ state: "locked", pin: false, pending: 0 });
    });
    return () => {
      gone = true;
    };
  }, [client, showLocked]);

  const lock = useCallback(() => {
    void lockVault().finally(() => {
      if (userId) void showLocked(userId);
    });
  }, [userId, showLocked]);

  if (gate.state === "checking") return null;
  if (gate.state === "setPin")
    return (
      <Suspense fallback={null}>
        <PinSetup
          lockMinutes={gate.lockMinutes}
          onSet={async (pin) => {
            await gate.setPin(pin);
            setGate({ state: "open", lockMinutes: gate.lockMinutes });
          }}
        />
      </Suspense>
    );
  if (gate.state === "locked" && userId)
    return (
      <Suspense fallback={null}>
        <LockScreen
          gate={gate}
          onUnlock={async (pin) => {
            // Marks for the bench (scripts/bench-field.ts): the PIN's part, then the grid's opening.
            performance.mark("doorstep:unlock-start");
            const answer = await unlockWithPin(userId, pin);
            if (answer.ok) performance.measure("doorstep:unlock-pin", "doorstep:unlock-start");
            if (answer.ok && onWorkList) void readAllSoon(userId);
            if (!answer.ok) {
              if (answer.attemptsLeft === 0) setGate({ ...gate, pin: false });
              return answer.attemptsLeft;
            }
            // Side by side: each opens the store, and the officer is waiting.
            const [, { lockMinutes }] = await Promise.all([restoreProfile(userId), lockedState(userId)]);
            setGate({ state: "open", lockMinutes });
            return null;
          }}
        />
      </Suspense>
    );
  if (gate.state === "open")
    return (
      <>
        {userId && <IdleLock userId={userId} lockMinutes={gate.lockMinutes} onLock={lock} />}
        {children}
      </>
    );
  return null;
}

/** Locks after `lockMinutes` without a touch or key, or on return from being hidden too long. */
function IdleLock({
  userId,
  lockMinutes,
  onLock,
}: {
  userId: string;
  lockMinutes: number;
  onLock: () => void;
}) {
  const last = useRef(Date.now());
  const kept = useRef(Date.now());
  const hiddenSince = useRef<number | null>(null);
  useEffect(() => {
    const check = () => {
      if (
        shouldLock({
          now: Date.now(),
          lastActivity: last.current,
          hiddenSince: hiddenSince.current,
          lockMinutes,
        })
      )
        onLock();
    };
    const touched = () => {
      last.current = Date.now();
      // The session's keeping learns of activity now and then, not at every touch.
      if (last.current - kept.current > 30_000) {
        kept.current = last.current;
        void touchSession(userId).catch(() => {});
      }
    };
    const visibility = () => {
      if (document.visibilityState === "hidden") hiddenSince.current = Date.now();
      else {
        check();
        hiddenSince.current = null;
      }
    };
    const events = ["pointerdown", "keydown", "touchstart", "wheel"] as const;
    for (const name of events) window.addEventListener(name, touched, { passive: true });
    document.addEventListener("visibilitychange", visibility);
    const timer = setInterval(check, 15_000);
    return () => {
      for (const name of events) window.removeEventListener(name, touched);
      document.removeEventListener("visibilitychange", visibility);
      clearInterval(timer);
    };
  }, [userId, lockMinutes, onLock]);
  return null;
}
