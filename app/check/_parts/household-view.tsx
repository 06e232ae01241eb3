"use client";

import type { inferRouterOutputs } from "@trpc/server";
import type { ReactNode } from "react";
import { HOUSEHOLD_DISPUTE_FIELDS, MEMBER_DISPUTE_FIELDS } from "@/domain/check";
import { codeLabel, RELATION, SEX, VISIT_OUTCOME } from "@/domain/codes";
import { roomCountState } from "@/domain/counts";
import type { RoomStatus } from "@/domain/worklist";
import type { AppRouter } from "@/server/routers";
import { useI18n } from "../../_components/i18n";
import { StatusChip } from "../../_components/status";
import { CARD, formatDate, formatDateTime } from "./ui";

export type CheckView = inferRouterOutputs<AppRouter>["check"]["lookup"];
export type CheckMember = CheckView["members"][number];

/** The household's place in words: the building's address, then unit and room, each kept whole. */
export function AddressLine({ address }: { address: CheckView["address"] }) {
  const { t } = useI18n();
  return (
    <>
      {address.address}
      {address.unitNo && (
        <>
          {" "}
          <span className="whitespace-nowrap">{t("check.page.unit", { unit: address.unitNo })}</span>
        </>
      )}
      {address.roomNo && (
        <>
          {" "}
          <span className="whitespace-nowrap">{t("check.page.room", { room: address.roomNo })}</span>
        </>
      )}
    </>
  );
}

/** The room's state as the officers' screens colour it (domain/counts.ts), always with its label. */
function visitStatus(visit: CheckView["state"]["visit"]): RoomStatus {
  const state = roomCountState(visit);
  if (state === "checked") return visit?.reviewState === "approved" ? "approved" : "done";
  return state;
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className={CARD} data-testid={testId}>
      <h2 className="mb-2 text-base font-bold text-gray-700">{title}</h2>
      {children}
    </section>
  );
}

/** Where the household is, what the campaign knows of it, and who is registered in it, masked. */
export function HouseholdView({ view }: { view: CheckView }) {
  const { t, locale } = useI18n();
  const { visit, feedback } = view.state;
  const status = visitStatus(visit);

  return (
    <div className="flex flex-col gap-3">
      <Section title={t("check.page.address")} testId="check-address">
        <p className="text-xl font-bold break-words text-gray-900">
          <AddressLine address={view.address} />
        </p>
        {view.campaign.name && (
          <p className="mt-2 text-base text-gray-700">
            {t("check.page.campaign", { name: view.campaign.name })}
          </p>
        )}
        {!view.campaign.open && <p className="mt-2 text-base text-gray-700">{t("check.page.closed")}</p>}
      </Section>

      <Section title={t("check.page.state")} testId="check-state">
        <div className="flex flex-col items-start gap-2">
          <StatusChip status={status} label={t(`status.${status}`)} />
          <p className="text-lg text-pretty text-gray-900">
            {visit
              ? t("check.page.visited", {
                  date: formatDate(visit.visitedAt, locale),
                  outcome: codeLabel(VISIT_OUTCOME, visit.outcome, locale),
                  review: t(`check.page.review.${visit.reviewState}`),
                })
              : t("check.page.notVisited")}
          </p>
          {feedback && (
            <p
              className={`w-full rounded-lg border-l-4 p-2 text-base text-pretty ${
                feedback.kind === "confirm"
                  ? "border-status-done bg-green-50 text-green-900"
                  : "border-status-revisit bg-amber-50 text-amber-950"
              }`}
              data-testid="check-feedback"
            >
              {t(feedback.kind === "confirm" ? "check.page.youConfirmed" : "check.page.youDisputed", {
                date: formatDateTime(feedback.at, locale),
              })}
            </p>
          )}
        </div>
      </Section>

      <Section title={t("check.page.members", { count: view.members.length })} testId="check-members">
        {view.members.length === 0 ? (
          <p className="text-base text-gray-700">{t("check.page.noMembers")}</p>
        ) : (
          <ul className="flex flex-col divide-y divide-gray-200">
            {view.members.map((member) => (
              <li key={member.id} className="py-3 first:pt-1 last:pb-0" data-testid="check-member">
                <MemberCard member={member} />
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}

/** A member's relation to the head of household, in words. */
export function useRelationLabel() {
  const { t, locale } = useI18n();
  return (member: CheckMember) => codeLabel(RELATION, member.relation, locale) || t("check.page.unknown");
}

function MemberCard({ member }: { member: CheckMember }) {
  const { t, locale } = useI18n();
  const unknown = t("check.page.unknown");
  const relation = useRelationLabel()(member);
  return (
    <div className="flex flex-col gap-1">
      <p className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="text-xl font-bold text-gray-900" data-testid="member-name">
          {member.name}
        </span>
        <span className="rounded-md bg-sky-50 px-2 py-0.5 text-base font-medium text-brand-dark">
          <span className="sr-only">{t("check.page.relation")} </span>
          {relation}
        </span>
      </p>
      {/* Label and value side by side, the value under its label when the line is too narrow. */}
      <dl className="flex flex-col gap-0.5 text-base">
        <div className="flex flex-wrap gap-x-3">
          <dt className="min-w-[6em] text-gray-700">{t("check.page.sex")}</dt>
          <dd className="text-gray-900">{codeLabel(SEX, member.sex, locale) || unknown}</dd>
        </div>
        <div className="flex flex-wrap gap-x-3">
          <dt className="min-w-[6em] text-gray-700">{t("check.page.idNumberMasked")}</dt>
          <dd className="font-mono whitespace-nowrap text-gray-900 tabular-nums" data-testid="member-id">
            {member.idNumber || unknown}
          </dd>
        </div>
      </dl>
    </div>
  );
}

/** Before the resident chooses: what they may report as wrong, for the household and for each member. */
export function DisputableFields() {
  const { t } = useI18n();
  const list = (fields: readonly string[]) =>
    fields.map((field) => t(`dispute.field.${field}`)).join(t("check.page.listSeparator"));
  return (
    <Section title={t("check.page.disputable")} testId="check-disputable">
      <ul className="flex list-disc flex-col gap-1 pl-5 text-base text-pretty text-gray-900">
        <li>{t("check.page.disputableHousehold", { fields: list(HOUSEHOLD_DISPUTE_FIELDS) })}</li>
        <li>{t("check.page.disputableMember", { fields: list(MEMBER_DISPUTE_FIELDS) })}</li>
      </ul>
    </Section>
  );
}
