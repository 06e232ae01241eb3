"use client";

import { useMutation } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { CheckDisputeInput, CheckLookupInput, FeedbackKind } from "@/domain/check";
import { registerMessages } from "@/domain/i18n";
import { checkMessages } from "@/domain/i18n/check";
import { useI18n } from "../_components/i18n";
import { markFormDirty } from "../_components/service-worker";
import { useTRPC } from "../_components/trpc";
import { DisputeForm } from "./_parts/dispute-form";
import { type CheckView, HouseholdView } from "./_parts/household-view";
import { CheckLanguageSwitch } from "./_parts/language";
import { LargeTextToggle, useLargeText } from "./_parts/large-text";
import { LookupForm } from "./_parts/lookup-form";
import {
  CheckIcon,
  callError,
  formatDateTime,
  LockIcon,
  PRIMARY_BUTTON,
  QUIET_BUTTON,
  SECONDARY_BUTTON,
} from "./_parts/ui";

// The resident's screen carries its own messages only.
registerMessages(checkMessages);

type Step =
  | { kind: "form" }
  | { kind: "result"; view: CheckView }
  | { kind: "dispute"; view: CheckView }
  | { kind: "thanks"; feedback: FeedbackKind; at: Date };

/**
 * The resident self-check: name + ID number + the visit slip's code → the household, masked; confirm
 * it or report what is wrong. There is no session: the proof is kept in this component's state only
 * (never in storage or the URL), sent again with the confirmation or the dispute, and forgotten on
 * "start over", after sending, and when the page goes.
 */
export default function CheckPage() {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const { large, toggle } = useLargeText();
  const [step, setStep] = useState<Step>({ kind: "form" });
  const [proof, setProof] = useState<CheckLookupInput | null>(null);
  // Bumped to remount the lookup form empty: nothing typed survives "start over".
  const [formKey, setFormKey] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstStep = useRef(true);

  // gcTime 0: no finished call lingers in the cache with the proof in its variables. networkMode
  // "always": try even when the phone claims to be offline (it lies), and say so when it fails,
  // rather than wait silently with the button greyed out.
  const calls = { gcTime: 0, networkMode: "always" } as const;
  const lookup = useMutation(trpc.check.lookup.mutationOptions(calls));
  const confirm = useMutation(trpc.check.confirm.mutationOptions(calls));
  const dispute = useMutation(trpc.check.dispute.mutationOptions(calls));
  const { reset: resetLookup } = lookup;
  const { reset: resetConfirm } = confirm;
  const { reset: resetDispute } = dispute;

  /** Drops the proof and every call's copy of it. */
  const forget = useCallback(() => {
    setProof(null);
    setFormKey((k) => k + 1);
    resetLookup();
    resetConfirm();
    resetDispute();
  }, [resetLookup, resetConfirm, resetDispute]);

  const startOver = () => {
    forget();
    setStep({ kind: "form" });
  };

  // A new step takes the reader to its top, and a screen reader to its heading.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of step only
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    window.scrollTo({ top: 0 });
    headingRef.current?.focus({ preventScroll: true });
  }, [step.kind]);

  // While a household is shown, an app update asks before reloading; and leaving forgets the proof.
  useEffect(() => {
    markFormDirty("check", proof !== null);
    return () => markFormDirty("check", false);
  }, [proof]);

  const onLookup = (values: CheckLookupInput) => {
    lookup.mutate(values, {
      onSuccess: (view) => {
        setProof(values);
        setStep({ kind: "result", view });
      },
    });
  };

  const finish = (result: { kind: FeedbackKind; at: Date }) => {
    forget();
    setStep({ kind: "thanks", feedback: result.kind, at: result.at });
  };

  const onConfirm = () => {
    if (proof) confirm.mutate(proof, { onSuccess: finish });
  };

  const onDispute = (input: CheckDisputeInput) => {
    dispute.mutate(input, { onSuccess: finish });
  };

  const network = t("check.page.error.network");

  return (
    <div className="flex min-h-dvh flex-col">
      <header className="bg-brand text-white shadow">
        {/* The controls move under the title when both do not fit (320 px with large text). */}
        <div className="mx-auto flex max-w-xl flex-wrap items-center gap-x-2 gap-y-1 px-3 py-1.5">
          <p className="flex min-h-11 min-w-[9rem] flex-1 flex-wrap items-center gap-x-2">
            <span className="text-lg font-bold">{t("app.name")}</span>
            <span className="text-base text-white/90">{t("check.page.title")}</span>
          </p>
          <div className="ml-auto flex items-center gap-1">
            <LargeTextToggle large={large} onToggle={toggle} />
            <CheckLanguageSwitch />
          </div>
        </div>
      </header>

      <main className="mx-auto flex w-full max-w-xl flex-1 flex-col gap-4 px-3 py-4">
        {step.kind === "form" && (
          <LookupForm
            key={formKey}
            pending={lookup.isPending}
            serverError={lookup.error ? callError(lookup.error, network) : null}
            onLookup={onLookup}
          />
        )}

        {step.kind === "result" && proof && (
          <div className="flex flex-col gap-4" data-testid="check-result">
            <h1 ref={headingRef} tabIndex={-1} className="text-2xl font-bold text-balance text-gray-900">
              {t("check.page.result.heading")}
            </h1>
            <HouseholdView view={step.view} />
            {confirm.error && (
              <p
                role="alert"
                data-testid="confirm-error"
                className="rounded-lg border-2 border-red-300 bg-red-50 p-3 text-base font-medium text-red-900"
              >
                {callError(confirm.error, network)}
              </p>
            )}
            <div className="flex flex-col gap-3">
              <button
                type="button"
                onClick={onConfirm}
                disabled={confirm.isPending}
                className={PRIMARY_BUTTON}
              >
                {confirm.isPending ? t("check.page.confirming") : t("check.page.confirm")}
              </button>
              <button
                type="button"
                onClick={() => {
                  resetConfirm();
                  setStep({ kind: "dispute", view: step.view });
                }}
                disabled={confirm.isPending}
                className={SECONDARY_BUTTON}
              >
                {t("check.page.dispute")}
              </button>
            </div>
            <StartOver onClick={startOver} hint />
          </div>
        )}

        {step.kind === "dispute" && proof && (
          <>
            <h1 ref={headingRef} tabIndex={-1} className="text-2xl font-bold text-balance text-gray-900">
              {t("check.page.disputeHeading")}
            </h1>
            <DisputeForm
              view={step.view}
              proof={proof}
              pending={dispute.isPending}
              serverError={dispute.error ? callError(dispute.error, network) : null}
              onSend={onDispute}
              onBack={() => {
                resetDispute();
                setStep({ kind: "result", view: step.view });
              }}
            />
            <StartOver onClick={startOver} />
          </>
        )}

        {step.kind === "thanks" && (
          <section
            className="flex flex-col items-center gap-3 rounded-2xl bg-white p-6 text-center shadow-sm"
            data-testid="check-thanks"
          >
            <span className="flex size-16 items-center justify-center rounded-full bg-status-done text-white">
              <CheckIcon className="size-10" />
            </span>
            <h1 ref={headingRef} tabIndex={-1} className="text-2xl font-bold text-balance text-gray-900">
              {t("check.page.thanksHeading")}
            </h1>
            <p role="status" className="text-lg text-pretty text-gray-900">
              {t(step.feedback === "confirm" ? "check.confirmed" : "check.disputed")}
            </p>
            <p className="text-base text-gray-700">
              {t("check.page.thanksAt", { date: formatDateTime(step.at, locale) })}
            </p>
            <p className="text-base text-gray-700">{t("check.page.thanksCleared")}</p>
            <button type="button" onClick={startOver} className={`${PRIMARY_BUTTON} mt-2`}>
              {t("check.page.done")}
            </button>
          </section>
        )}

        <footer className="mt-auto flex flex-col gap-1 px-1 pt-2 text-sm text-gray-700">
          <p className="flex gap-1.5 text-pretty" data-testid="privacy-note">
            <LockIcon />
            <span>{t("check.page.privacy")}</span>
          </p>
          <p className="text-pretty">{t("check.page.help")}</p>
        </footer>
      </main>
    </div>
  );
}

function StartOver({ onClick, hint = false }: { onClick: () => void; hint?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="flex flex-col items-center gap-1 text-center">
      <button type="button" onClick={onClick} className={QUIET_BUTTON} data-testid="start-over">
        {t("check.page.startOver")}
      </button>
      {hint && <p className="text-sm text-pretty text-gray-700">{t("check.page.startOverHint")}</p>}
    </div>
  );
}
