"use client";

import { codeLabel, VISIT_OUTCOME } from "@/domain/codes";
import { FIELD_INFO } from "@/domain/fields";
import { needsRevisit } from "@/domain/visit";
import {
  openDisputesByRoom,
  roomStatus,
  type WorkFeedback,
  type WorkHousehold,
  type WorkVisit,
} from "@/domain/worklist";
import { useI18n } from "../../../_components/i18n";
import { StatusChip } from "../../../_components/status";
import type { RoomData } from "../../_lib/record";
import { RoomFacts } from "./facts";
import { RevisitNote } from "./outcome";

/** Most calls end at a closed door: those two outcomes are one tap from the top. */
const NO_CONTACT = ["no_answer", "refused"] as const;

/** The room's address, state, the supervisor's words if it came back, and the last calls. */
export function RoomHeading({
  data,
  attempt,
  withoutContact,
  saved,
  outcome,
  onOutcome,
}: {
  data: RoomData;
  attempt: number;
  /** Calls in a row without contact, this one included if it is one (the escalation count). */
  withoutContact: number;
  saved: WorkVisit | null;
  outcome: string | null;
  onOutcome: (outcome: string) => void;
}) {
  const { t, locale } = useI18n();
  const visits = data.visits as unknown as WorkVisit[];
  const room = data.room;
  const disputedAt = openDisputesByRoom(
    data.households as unknown as WorkHousehold[],
    data.feedback as unknown as WorkFeedback[],
  ).get(room.id);
  const status = roomStatus(saved ? [...visits, saved] : visits, disputedAt);
  // The supervisor sent the latest visit back: their words first, so the officer knows what to fix.
  const latest = [...(data.visits as Record<string, unknown>[])].sort((a, b) =>
    String(b.visitedAt).localeCompare(String(a.visitedAt)),
  )[0];
  const returned = latest?.reviewState === "returned" ? latest : null;
  return (
    <section className="mb-3 rounded-xl bg-white p-3 shadow-sm">
      <p className="text-base text-gray-800">{String(data.building?.address ?? "")}</p>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold" data-testid="room-title">
          {room.unitNo ? `${t("register.unitNo", { unit: String(room.unitNo) })} ` : ""}
          {t("register.room", { room: String(room.roomNo) })}
        </h1>
        <StatusChip status={status} label={t(`status.${status}`)} />
      </div>
      <p className="mt-1 text-sm text-gray-800">
        {t("register.floor", { floor: String(room.floor ?? "") })} · {t("visit.attemptNo", { attempt })}
      </p>
      <div className="mt-2">
        <RoomFacts />
      </div>
      {returned && !saved && (
        <p
          role="alert"
          className="mt-2 rounded-lg border-2 border-status-returned bg-red-50 p-3 text-red-950"
          data-testid="returned-note"
        >
          <strong>{t("visit.returnedTitle")}</strong> {String(returned.reviewComment ?? "")}
          {returned.reviewFields ? (
            <span className="mt-1 block" data-testid="returned-fields">
              {t("visit.returnedFields", {
                fields: String(returned.reviewFields)
                  .split(",")
                  .map((field) => t(FIELD_INFO[field]?.label ?? field))
                  .join("、"),
              })}
            </span>
          ) : null}
          {data.returnedChanges?.length ? (
            <span className="mt-1 block" data-testid="returned-carried">
              {t("visit.returnedCarried", { count: data.returnedChanges.length })}
            </span>
          ) : null}
        </p>
      )}
      {outcome !== null && needsRevisit(outcome) && (
        <RevisitNote withoutContact={withoutContact} testId="revisit-top" />
      )}
      {outcome === null && (
        // Most calls end at a closed door: those two outcomes are one tap from the top.
        <div className="mt-2 flex items-center gap-2 border-t border-gray-200 pt-2">
          <span className="shrink-0 text-sm text-gray-800">{t("visit.quickNoContact")}</span>
          {NO_CONTACT.map((code) => (
            <button
              key={code}
              type="button"
              onClick={() => onOutcome(code)}
              className="min-h-11 flex-1 rounded-lg border-2 border-status-revisit bg-white px-2 text-base font-semibold text-gray-950"
            >
              {codeLabel(VISIT_OUTCOME, code, locale)}
            </button>
          ))}
        </div>
      )}
      {data.visits.length > 0 && (
        <ul
          className="mt-2 border-t border-gray-200 pt-2 text-sm text-gray-800"
          data-testid="previous-visits"
        >
          {data.visits.slice(-3).map((visit) => (
            <li key={visit.id}>
              {new Date(String(visit.visitedAt)).toLocaleDateString(locale)} ·{" "}
              {codeLabel(VISIT_OUTCOME, String(visit.outcome), locale)}
              {visit.pending ? ` · ${t("visit.pendingSync")}` : ""}
              {visit.reviewState && visit.reviewState !== "submitted" && !visit.pending
                ? ` · ${t(visit.reviewState === "returned" ? "status.returned" : "status.approved")}`
                : ""}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
