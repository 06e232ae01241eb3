"use client";

import Link from "next/link";
import { type FormEvent, type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import type { MessageKey } from "@/domain/i18n";
import { PIN_LENGTH, pinProblem, shouldLock } from "@/domain/vault";
import { LanguageSwitch } from "../../_components/controls";
import { useI18n } from "../../_components/i18n";
import { useTRPCClient } from "../../_components/trpc";
import { type LocalUser, readLocalUser, rememberLocalUser } from "../_lib/session";
import { deviceIdOf, isUnlocked, openFieldDb, openRawFieldDb } from "../_lib/store";
import {
  lockedState,
  lockVault,
  resumeSession,
  touchSession,
  unlockOnline,
  unlockWithPin,
} from "../_lib/vault";

type Gate =
  | { state: "checking" }
  | { state: "open"; lockMinutes: number }
  | { state: "setPin"; setPin: (pin: string) => Promise<void>; lockMinutes: number }
  | { state: "locked"; pin: boolean; pending: number; withheld?: boolean };

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

async function keepProfile(user: LocalUser) {
  const db = await openFieldDb(user.id);
  try {
    await db.put("meta", user, PROFILE_META);
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
          await keepProfile(me);
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
      <PinSetup
        lockMinutes={gate.lockMinutes}
        onSet={async (pin) => {
          await gate.setPin(pin);
          setGate({ state: "open", lockMinutes: gate.lockMinutes });
        }}
      />
    );
  if (gate.state === "locked" && userId)
    return (
      <LockScreen
        gate={gate}
        onUnlock={async (pin) => {
          // Marks for the bench (scripts/bench-field.ts): the PIN's part, then the grid's opening.
          performance.mark("doorstep:unlock-start");
          const answer = await unlockWithPin(userId, pin);
          if (answer.ok) performance.measure("doorstep:unlock-pin", "doorstep:unlock-start");
          if (!answer.ok) {
            if (answer.attemptsLeft === 0) setGate({ ...gate, pin: false });
            return answer.attemptsLeft;
          }
          await restoreProfile(userId);
          const { lockMinutes } = await lockedState(userId);
          setGate({ state: "open", lockMinutes });
          return null;
        }}
      />
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

function Frame({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-10 bg-brand text-white shadow">
        <div className="mx-auto flex max-w-3xl items-center gap-2 px-3 py-1">
          <span className="shrink-0 whitespace-nowrap text-lg font-bold">{t("app.name")}</span>
          <span className="flex-1" />
          <LanguageSwitch />
        </div>
      </header>
      <main className="mx-auto w-full max-w-md flex-1 px-4 py-6">{children}</main>
    </div>
  );
}

const PIN_INPUT =
  "mt-1 block min-h-12 w-full rounded-lg border border-gray-400 px-3 text-center text-2xl tracking-[0.5em] focus:border-brand focus:outline-none focus:ring-2 focus:ring-brand/40";

function PinField({
  label,
  value,
  onChange,
  autoFocus,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  autoFocus?: boolean;
}) {
  return (
    <label className="block text-base font-semibold text-gray-900">
      {label}
      <input
        type="password"
        inputMode="numeric"
        autoComplete="off"
        pattern="[0-9]*"
        maxLength={PIN_LENGTH}
        // biome-ignore lint/a11y/noAutofocus: the screen holds nothing else to do.
        autoFocus={autoFocus}
        value={value}
        onChange={(e) => onChange(e.target.value.replace(/\D/g, "").slice(0, PIN_LENGTH))}
        className={PIN_INPUT}
      />
    </label>
  );
}

function LockScreen({
  gate,
  onUnlock,
}: {
  gate: Extract<Gate, { state: "locked" }>;
  onUnlock: (pin: string) => Promise<number | null>;
}) {
  const { t } = useI18n();
  const [pin, setPin] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (pin.length !== PIN_LENGTH) return setError(t("vault.pinLength"));
    setBusy(true);
    setError(null);
    try {
      const left = await onUnlock(pin);
      if (left !== null) {
        setPin("");
        setError(left > 0 ? t("vault.wrongPin", { count: left }) : t("vault.pinErased"));
      }
    } catch {
      setError(t("vault.failed"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Frame>
      <section className="rounded-xl bg-white p-6 shadow-sm" data-testid="lock-screen">
        <svg
          aria-hidden
          viewBox="0 0 24 24"
          className="mx-auto mb-2 h-12 w-12 text-brand"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
        >
          <rect x="5" y="11" width="14" height="10" rx="2" />
          <path d="M8 11V7a4 4 0 0 1 8 0v4" />
        </svg>
        <h1 className="mb-2 text-center text-xl font-bold">{t("vault.lockedTitle")}</h1>
        <p className="mb-5 text-center text-lg font-semibold text-gray-900" data-testid="locked-pending">
          {t("vault.pending", { count: gate.pending })}
        </p>
        {gate.pin ? (
          <form onSubmit={(e) => void submit(e)} className="space-y-4">
            <p className="text-base text-gray-700">{t("vault.lockedHint")}</p>
            <PinField label={t("vault.pin")} value={pin} onChange={setPin} autoFocus />
            <button
              type="submit"
              disabled={busy}
              className="min-h-12 w-full rounded-lg bg-brand text-lg font-bold text-white disabled:opacity-60"
            >
              {busy ? t("vault.unlocking") : t("vault.unlock")}
            </button>
          </form>
        ) : (
          <p className="text-base text-gray-800">
            {gate.withheld ? t("vault.withheld") : t("vault.needOnline")}
          </p>
        )}
        {error && (
          <p role="alert" className="mt-4 rounded-lg bg-red-50 p-3 text-base text-red-800">
            {error}
          </p>
        )}
        <div className="mt-5 text-center">
          <Link
            href="/login"
            className="inline-flex min-h-11 items-center px-4 text-base text-brand underline"
          >
            {t("vault.login")}
          </Link>
        </div>
      </section>
    </Frame>
  );
}

function PinSetup({ lockMinutes, onSet }: { lockMinutes: number; onSet: (pin: string) => Promise<void> }) {
  const { t } = useI18n();
  const [pin, setPin] = useState("");
  const [repeat, setRepeat] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const problem = pinProblem(pin, repeat);
    if (problem) return setError(t(problem as MessageKey));
    setBusy(true);
    setError(null);
    try {
      await onSet(pin);
    } catch {
      setError(t("vault.failed"));
      setBusy(false);
    }
  };
  return (
    <Frame>
      <form
        onSubmit={(e) => void submit(e)}
        className="space-y-4 rounded-xl bg-white p-6 shadow-sm"
        data-testid="pin-setup"
        noValidate
      >
        <h1 className="text-xl font-bold">{t("vault.setupTitle")}</h1>
        <p className="text-base text-gray-700">{t("vault.setupHint", { minutes: lockMinutes })}</p>
        <PinField label={t("vault.pin")} value={pin} onChange={setPin} autoFocus />
        <PinField label={t("vault.pinRepeat")} value={repeat} onChange={setRepeat} />
        {error && (
          <p role="alert" className="rounded-lg bg-red-50 p-3 text-base text-red-800">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={busy}
          className="min-h-12 w-full rounded-lg bg-brand text-lg font-bold text-white disabled:opacity-60"
        >
          {busy ? t("vault.setupSaving") : t("vault.setupSave")}
        </button>
      </form>
    </Frame>
  );
}
