"use client";

import { type ClaimKind, moveInStaysPut, type TargetClaim } from "@/domain/claims";
import { maskIdNumber, maskName } from "@/domain/mask";
import { useI18n } from "../../../_components/i18n";
import { useRoom } from "./context";
import { Section } from "./ui";

/**
 * A returned-file campaign's claims at this door: what the department says (迁入 here on a date, a
 * death…), for the officer to confirm or say it is not so with what they found. A confirmed claim
 * becomes the corrections it implies when the visit is saved (record.ts buildRecord).
 */
export function ClaimsSection() {
  const { t } = useI18n();
  const { data, draft, update } = useRoom();
  const targets = data.targets ?? [];
  if (targets.length === 0) return null;
  const answer = (targetId: string, value: { answer: "confirmed" | "refuted"; found: string } | null) =>
    update((d) => {
      const claims = { ...(d.claims ?? {}) };
      if (value) claims[targetId] = value;
      else delete claims[targetId];
      return { ...d, claims };
    });
  return (
    <Section title={t("field.claim.heading")} testId="claims">
      <ul className="flex flex-col gap-3">
        {targets.map((target) => {
          const claim = target.claim as TargetClaim;
          const given = draft.claims?.[target.id] ?? null;
          return (
            <li
              key={target.id}
              className="flex flex-col gap-2 rounded-lg border-2 border-gray-300 p-3"
              data-testid="claim"
              data-target={target.id}
            >
              <p className="text-lg font-bold">
                {t(`field.claim.kind.${claim.kind as ClaimKind}`)}
                {claim.date ? ` · ${claim.date}` : ""}
              </p>
              <p className="text-base">
                {claim.name ? maskName(claim.name) : ""}{" "}
                {claim.idNumber && (
                  <span className="font-mono tabular-nums">{maskIdNumber(claim.idNumber)}</span>
                )}
              </p>
              {claim.outcome === "room" && (
                <p className="text-sm text-gray-800">{t("field.claim.notInRegister")}</p>
              )}
              {claim.outcome === "matched_diff" && (
                <p className="text-sm text-amber-900">{t("field.claim.differs")}</p>
              )}
              {moveInStaysPut(claim, target.gridId as string) && (
                <p className="text-sm font-semibold text-amber-900" data-testid="claim-stays">
                  {t("field.claim.staysPut")}
                </p>
              )}
              {claim.note && <p className="text-sm text-gray-800">{claim.note}</p>}
              <fieldset className="grid grid-cols-2 gap-2">
                <legend className="sr-only">{t("field.claim.question")}</legend>
                <button
                  type="button"
                  aria-pressed={given?.answer === "confirmed"}
                  onClick={() =>
                    answer(
                      target.id,
                      given?.answer === "confirmed" ? null : { answer: "confirmed", found: "" },
                    )
                  }
                  className={`min-h-12 rounded-lg border-2 text-base font-semibold ${given?.answer === "confirmed" ? "border-green-800 bg-green-700 text-white" : "border-gray-500 bg-white"}`}
                >
                  {t("field.claim.confirm")}
                </button>
                <button
                  type="button"
                  aria-pressed={given?.answer === "refuted"}
                  onClick={() =>
                    answer(target.id, given?.answer === "refuted" ? null : { answer: "refuted", found: "" })
                  }
                  className={`min-h-12 rounded-lg border-2 text-base font-semibold ${given?.answer === "refuted" ? "border-red-800 bg-red-700 text-white" : "border-gray-500 bg-white"}`}
                >
                  {t("field.claim.refute")}
                </button>
              </fieldset>
              {given?.answer === "confirmed" && (
                <p className="text-sm text-gray-800">{t("field.claim.confirmedNote")}</p>
              )}
              {given?.answer === "refuted" && (
                <label className="flex flex-col gap-1 text-base">
                  {t("field.claim.found")}
                  <textarea
                    value={given.found}
                    maxLength={500}
                    rows={2}
                    onChange={(event) => answer(target.id, { answer: "refuted", found: event.target.value })}
                    className="w-full rounded-lg border-2 border-gray-400 p-2 text-lg"
                    data-testid="claim-found"
                  />
                </label>
              )}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
