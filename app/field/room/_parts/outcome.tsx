"use client";

import { useState } from "react";
import { codeLabel, VISIT_OUTCOME, VISIT_OUTCOME_GROUP } from "@/domain/codes";
import { callEscalates, ESCALATE_AFTER_ATTEMPTS } from "@/domain/counts";
import { needsRevisit, nextDay } from "@/domain/visit";
import { useI18n } from "../../../_components/i18n";
import { Button, Section } from "./ui";

/** Outcomes grouped as in DOMAIN.md, large buttons; once chosen it folds to one line. */
export function OutcomePicker({
  value,
  suggestion,
  withoutContact,
  onChange,
}: {
  value: string | null;
  suggestion: string | null;
  /** This call's number among the room's calls without contact in a row (domain/counts.ts). */
  withoutContact: number;
  onChange: (outcome: string) => void;
}) {
  const { t, locale } = useI18n();
  const [expanded, setExpanded] = useState(false);
  const open = expanded || value === null;
  return (
    <Section title={t("visit.outcome")} testId="outcome">
      {open ? (
        <div className="flex flex-col gap-3">
          {VISIT_OUTCOME_GROUP.map((group) => (
            <fieldset key={group.code}>
              <legend className="mb-1 text-sm font-semibold text-gray-700">
                {codeLabel(VISIT_OUTCOME_GROUP, group.code, locale)}
              </legend>
              <div className="grid grid-cols-2 gap-2">
                {VISIT_OUTCOME.filter((o) => o.group === group.code).map((outcome) => (
                  <button
                    key={outcome.code}
                    type="button"
                    aria-pressed={value === outcome.code}
                    onClick={() => {
                      onChange(outcome.code);
                      setExpanded(false);
                    }}
                    className={`relative min-h-12 rounded-lg border-2 px-2 py-1 text-base font-semibold aria-pressed:border-brand aria-pressed:bg-brand aria-pressed:text-white ${
                      suggestion === outcome.code && value === null
                        ? "border-status-approved bg-blue-50 text-gray-950"
                        : "border-gray-400 bg-white text-gray-950"
                    }`}
                  >
                    {codeLabel(VISIT_OUTCOME, outcome.code, locale)}
                    {suggestion === outcome.code && value === null && (
                      <span className="block text-xs font-semibold text-status-approved">
                        {t("visit.suggested")}
                      </span>
                    )}
                  </button>
                ))}
              </div>
            </fieldset>
          ))}
        </div>
      ) : (
        <div className="flex items-center justify-between gap-2">
          <span className="text-xl font-bold" data-testid="chosen-outcome">
            {codeLabel(VISIT_OUTCOME, value, locale)}
          </span>
          <Button variant="plain" onClick={() => setExpanded(true)}>
            {t("visit.change")}
          </Button>
        </div>
      )}
      {value !== null && needsRevisit(value) && (
        <RevisitNote withoutContact={withoutContact} testId="revisit" />
      )}
    </Section>
  );
}

/**
 * What a no-contact call means: which call without contact this is (no answers within two hours are
 * one call), when to come back, and when it is reported.
 */
export function RevisitNote({ withoutContact, testId }: { withoutContact: number; testId: string }) {
  const { t } = useI18n();
  const escalate = callEscalates({ withoutContact });
  return (
    <div
      className={`mt-3 rounded-lg p-3 text-base font-semibold ${
        escalate ? "bg-red-50 text-red-900" : "bg-amber-50 text-amber-950"
      }`}
      data-testid={testId}
    >
      <p>
        {escalate
          ? t("visit.escalate", { attempt: withoutContact })
          : t("visit.attempt", { attempt: withoutContact, max: ESCALATE_AFTER_ATTEMPTS })}
      </p>
      <p className="font-normal">{t("visit.revisitOn", { date: nextDay(new Date()) })}</p>
    </div>
  );
}
