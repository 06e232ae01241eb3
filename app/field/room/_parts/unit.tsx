"use client";

import { codeLabel, INDUSTRY, UNIT_KIND, UNIT_STATUS } from "@/domain/codes";
import { MAX } from "@/domain/text-limits";
import { diffFields, UNIT_FIELDS } from "@/domain/visit";
import { useI18n } from "../../../_components/i18n";
import type { UnitAction } from "../../_lib/record";
import type { Row } from "../../_lib/store";
import { ActionBar } from "./action-bar";
import { useRoom } from "./context";
import { DiffList } from "./diff-list";
import { MaskedValue } from "./household";
import { RecordForm } from "./lazy-forms";
import type { RecordFieldSpec } from "./record-form";
import { Button, Mark, Section } from "./ui";

const UNIT_FORM: RecordFieldSpec[] = [
  { name: "name", label: "visit.unit.name", kind: "text", max: MAX.unitName },
  { name: "uscc", label: "visit.unit.uscc", kind: "text" },
  { name: "legalRep", label: "visit.unit.legalRep", kind: "text", max: MAX.name },
  { name: "legalRepPhone", label: "visit.unit.legalRepPhone", kind: "tel" },
  { name: "industry", label: "visit.unit.industry", kind: "select", table: INDUSTRY },
  { name: "employees", label: "visit.unit.employees", kind: "number" },
  { name: "status", label: "visit.unit.status", kind: "select", table: UNIT_STATUS },
  { name: "kind", label: "visit.unit.kind", kind: "select", table: UNIT_KIND },
  { name: "phone", label: "visit.unit.phone", kind: "tel" },
  { name: "safetyContact", label: "visit.unit.safetyContact", kind: "text", max: MAX.name },
];

const CLOSED_STATUSES = ["2", "3", "4"] as const;

function UnitCard({ unit }: { unit: Row }) {
  const { t, locale } = useI18n();
  const { draft, update, openForm, closeForm, setOpenValues, initialFor } = useRoom();
  const action = draft.units[unit.id];
  const key = `unit:${unit.id}`;
  const closeKey = `close:${unit.id}`;
  const setAction = (next?: UnitAction) =>
    update((d) => {
      const units = { ...d.units };
      if (next) units[unit.id] = next;
      else delete units[unit.id];
      return { ...d, units, open: null };
    });
  const shown =
    action?.kind === "correct"
      ? { ...unit, ...action.values }
      : action?.kind === "closed"
        ? { ...unit, status: action.status }
        : unit;
  const diffs =
    action?.kind === "correct"
      ? diffFields(unit, action.values, UNIT_FIELDS)
      : action?.kind === "closed"
        ? diffFields(unit, { status: action.status }, UNIT_FIELDS)
        : [];
  return (
    <div className="mb-3 last:mb-0" data-testid="unit">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="text-lg font-bold">{String(shown.name ?? "—")}</span>
        {action?.kind === "confirm" && <Mark tone="done">{t("visit.member.confirmed")}</Mark>}
        {action?.kind === "correct" && <Mark tone="changed">{t("visit.member.corrected")}</Mark>}
        {action?.kind === "closed" && (
          <Mark tone="ended">{codeLabel(UNIT_STATUS, action.status, locale)}</Mark>
        )}
      </div>
      <dl className="mt-1 grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-1 text-base">
        <dt className="text-gray-700">{t("visit.unit.uscc")}</dt>
        <dd className="break-all font-mono">{String(shown.uscc ?? "—")}</dd>
        <dt className="text-gray-700">{t("visit.unit.legalRep")}</dt>
        <dd>{String(shown.legalRep ?? "—")}</dd>
        <dt className="text-gray-700">{t("visit.unit.status")}</dt>
        <dd>
          {codeLabel(UNIT_STATUS, String(shown.status ?? ""), locale)} ·{" "}
          {codeLabel(INDUSTRY, String(shown.industry ?? ""), locale) || "—"}
        </dd>
        <dt className="text-gray-700">{t("visit.unit.phone")}</dt>
        <dd>
          <MaskedValue value={shown.phone ?? shown.legalRepPhone} kind="phone" />
        </dd>
      </dl>
      <DiffList diffs={diffs} labels={{ name: "visit.unit.name", phone: "visit.unit.phone" }} />
      {draft.open?.key === key ? (
        <RecordForm
          testId="unit-form"
          kind="unit"
          fields={UNIT_FORM}
          register={unit}
          initial={
            initialFor(key) ?? (action?.kind === "correct" ? { ...unit, ...action.values } : undefined)
          }
          title={t("visit.unit.correctTitle")}
          onValues={setOpenValues}
          onCancel={closeForm}
          onSubmit={(values) =>
            setAction(
              diffFields(unit, values, UNIT_FIELDS).length > 0
                ? { kind: "correct", values }
                : { kind: "confirm" },
            )
          }
        />
      ) : draft.open?.key === closeKey ? (
        <div className="mt-2 rounded-xl border-2 border-gray-700 bg-gray-50 p-3">
          <p className="mb-2 text-base font-semibold">{t("visit.unit.closedAs")}</p>
          <div className="grid grid-cols-3 gap-2">
            {CLOSED_STATUSES.map((status) => (
              <Button key={status} variant="plain" onClick={() => setAction({ kind: "closed", status })}>
                {codeLabel(UNIT_STATUS, status, locale)}
              </Button>
            ))}
          </div>
          <Button variant="plain" className="mt-2 w-full" onClick={closeForm}>
            {t("visit.cancel")}
          </Button>
        </div>
      ) : (
        <ActionBar
          chosen={action}
          onConfirm={() => setAction({ kind: "confirm" })}
          onCorrect={() => openForm(key)}
          onUndo={() => setAction(undefined)}
          endings={
            <Button variant="danger" className="col-span-2" onClick={() => openForm(closeKey)}>
              {t("visit.unit.close")}
            </Button>
          }
        />
      )}
    </div>
  );
}

export function UnitsSection() {
  const { t } = useI18n();
  const { data } = useRoom();
  if (data.units.length === 0) return null;
  return (
    <Section title={t("register.units")} testId="units">
      {data.units.map((unit) => (
        <UnitCard key={unit.id} unit={unit} />
      ))}
    </Section>
  );
}
