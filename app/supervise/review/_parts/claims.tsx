"use client";

import type { ClaimKind, TargetFileOutcome } from "@/domain/claims";
import { useI18n } from "../../../_components/i18n";

export interface ReviewedClaim {
  targetId: string;
  fileRow: number | null;
  kind: ClaimKind;
  date: string | null;
  name: string | null;
  idNumber: string | null;
  uscc: string | null;
  outcome: TargetFileOutcome;
  /** A move-in that approving does not move (domain/claims.ts moveInStaysPut). */
  staysPut: boolean;
  answer: "confirmed" | "refuted";
  found: string | null;
}

/**
 * The department's lines the officer answered at this door, each with the answer: approving a visit
 * approves the officer's word on them (a confirmed line's changes are in the table below it).
 */
export function ClaimsPanel({ claims }: { claims: readonly ReviewedClaim[] }) {
  const { t } = useI18n();
  if (claims.length === 0) return null;
  return (
    <section className="mb-3" data-testid="review-claims">
      <h3 className="mb-1 font-semibold">{t("review.claims")}</h3>
      <ul className="flex flex-col gap-2">
        {claims.map((claim) => (
          <li
            key={claim.targetId}
            className="rounded-lg border border-gray-300 p-2 text-base"
            data-testid="review-claim"
          >
            <p className="flex flex-wrap items-baseline gap-x-2">
              <span className="font-semibold">{t(`field.claim.kind.${claim.kind}`)}</span>
              {claim.date && <span className="tabular-nums">{claim.date}</span>}
              <span>{claim.name}</span>
              {claim.idNumber && <span className="font-mono tabular-nums">{claim.idNumber}</span>}
              {claim.uscc && <span className="font-mono tabular-nums">{claim.uscc}</span>}
              {claim.fileRow !== null && (
                <span className="text-sm text-gray-700">{t("review.claimRow", { row: claim.fileRow })}</span>
              )}
            </p>
            {claim.outcome === "room" && (
              <p className="text-sm text-gray-800">{t("review.claimNotInRegister")}</p>
            )}
            {claim.outcome === "matched_diff" && (
              <p className="text-sm text-amber-900">{t("review.claimDiffers")}</p>
            )}
            {claim.staysPut && claim.answer === "confirmed" && (
              <p className="text-sm font-semibold text-amber-900" data-testid="review-claim-stays">
                {t("review.claimStaysPut")}
              </p>
            )}
            <p
              className={`font-semibold ${claim.answer === "confirmed" ? "text-green-900" : "text-red-900"}`}
              data-answer={claim.answer}
            >
              {t(claim.answer === "confirmed" ? "field.claim.confirm" : "field.claim.refute")}
              {claim.found ? ` · ${t("field.claim.found")}：${claim.found}` : ""}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
