"use client";

import Link from "next/link";
import { type FormEvent, type ReactNode, useState } from "react";
import type { MessageKey } from "@/domain/i18n";
import { PIN_LENGTH, pinProblem } from "@/domain/vault";
import { LanguageSwitch } from "../../_components/controls";
import { useI18n } from "../../_components/i18n";
import type { Gate } from "./vault-gate";

/** The vault's screens (app/field/_parts/vault-gate.tsx): the lock screen and the PIN's set-up. */

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

export function LockScreen({
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

export function PinSetup({
  lockMinutes,
  onSet,
}: {
  lockMinutes: number;
  onSet: (pin: string) => Promise<void>;
}) {
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
