"use client";

import { lazy, Suspense, useState } from "react";
import type { DisputedField } from "@/domain/check";
import { useI18n } from "../../../_components/i18n";
import type { Row } from "../../_lib/store";
import { useRoom } from "./context";
import { Button } from "./ui";

// The QR encoder is needed only when a slip is shown.
const VisitSlip = lazy(() => import("./slip").then((m) => ({ default: m.VisitSlip })));

/**
 * What residents said on /check about one household: an open dispute stands out (the officer goes back
 * for it), a confirmation or a handled dispute is a quiet line.
 */
export function ResidentFeedback({ householdId }: { householdId: string }) {
  const { t, locale } = useI18n();
  const { data } = useRoom();
  const rows = data.feedback.filter((row) => row.householdId === householdId);
  if (rows.length === 0) return null;
  const nameOf = new Map((data.members[householdId] ?? []).map((m) => [m.id, String(m.name ?? "")]));
  const date = (row: Row) => new Date(String(row.createdAt)).toLocaleDateString(locale);
  return (
    <ul className="mb-2 flex flex-col gap-2" data-testid="resident-feedback">
      {rows.map((row) => {
        if (row.kind === "confirm") {
          return (
            <li key={row.id} className="text-sm text-gray-800">
              {t("feedback.confirmed", { date: date(row) })}
            </li>
          );
        }
        const fields = ((row.fields as DisputedField[] | null) ?? []).map((f) => {
          const who = f.personId ? (nameOf.get(f.personId) ?? "?") : t("feedback.household");
          return `${who}·${t(`dispute.field.${f.field}`)}${f.comment ? `（${f.comment}）` : ""}`;
        });
        return (
          <li
            key={row.id}
            role={row.handledAt ? undefined : "note"}
            className={
              row.handledAt
                ? "rounded-lg bg-gray-50 p-2 text-sm text-gray-800"
                : "rounded-lg border-2 border-status-revisit bg-amber-50 p-3 text-base text-gray-950"
            }
            data-testid={row.handledAt ? "dispute-handled" : "dispute-open"}
          >
            <strong>{t("feedback.disputeTitle", { date: date(row) })}</strong>
            <span className="block">{t("feedback.fields", { fields: fields.join("、") })}</span>
            {row.comment ? <span className="block">“{String(row.comment)}”</span> : null}
            {row.phone ? (
              <a className="block text-brand underline" href={`tel:${String(row.phone)}`}>
                {t("feedback.phone", { phone: String(row.phone) })}
              </a>
            ) : null}
            {row.handledAt ? (
              <span className="block">{t("feedback.handled", { note: String(row.handledNote ?? "") })}</span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

/** The button that shows the household's visit slip (入户告知单), and the slip itself. */
export function SlipButton({ household }: { household: Row }) {
  const { t } = useI18n();
  const { data } = useRoom();
  const [open, setOpen] = useState(false);
  const code = data.codes[household.id];
  if (!code) return null;
  const room = data.room;
  const address = [
    String(data.building?.address ?? ""),
    room.unitNo ? t("register.unitNo", { unit: String(room.unitNo) }) : "",
    t("register.room", { room: String(room.roomNo) }),
  ].join(" ");
  return (
    <>
      <Button variant="plain" onClick={() => setOpen(true)} data-testid="slip-open">
        {t("slip.open")}
      </Button>
      {open && (
        <Suspense fallback={null}>
          <VisitSlip
            code={code}
            address={address}
            householdNo={String(household.householdNo ?? "—")}
            onClose={() => setOpen(false)}
          />
        </Suspense>
      )}
    </>
  );
}
