"use client";

import { useId } from "react";
import { type CodeTable, HOUSEHOLD_KIND, ROOM_USE } from "@/domain/codes";
import { sameValue } from "@/domain/merge";
import { useI18n } from "../../../_components/i18n";
import type { Row } from "../../_lib/store";
import { useRoom } from "./context";
import { Button, CodeOptions, displayValue, inputClass, Mark } from "./ui";

export interface FactSpec {
  name: string;
  /** Message key of the field's label. */
  label: string;
  /** A coded field; without one the field is a yes/no flag. */
  table?: CodeTable;
}

/**
 * A few coded facts of a record that statistics count (a household's 户别, 低保, 五保; a room's use),
 * corrected where they are shown: collapsed to one line, so confirming the record stays one tap; open,
 * each fact is a list or a yes/no, written into the draft at once, and 撤销 puts back the register's.
 */
export function FactsCorrection({
  title,
  register,
  facts,
  observed,
  onChange,
  testId,
}: {
  title: string;
  register: Record<string, unknown>;
  facts: readonly FactSpec[];
  /** The values the officer set, by field; undefined when none. */
  observed: Record<string, unknown> | undefined;
  onChange: (observed: Record<string, unknown> | undefined) => void;
  testId: string;
}) {
  const { t, locale } = useI18n();
  const id = useId();
  const value = (name: string) => (observed && name in observed ? observed[name] : register[name]);
  const changed = facts.some(
    (f) => observed && f.name in observed && !sameValue(observed[f.name], register[f.name]),
  );
  const set = (field: string, next: unknown) => {
    const values = { ...(observed ?? {}), [field]: next };
    // A field set back to the register's value is no correction.
    if (sameValue(next, register[field])) delete values[field];
    onChange(Object.keys(values).length > 0 ? values : undefined);
  };
  return (
    <details className="mb-2 rounded-lg border border-gray-300 bg-gray-50 px-3" data-testid={testId}>
      <summary className="flex min-h-11 cursor-pointer flex-wrap items-center gap-x-2 text-base text-gray-900">
        <span className="font-semibold">{title}</span>
        <span className="text-gray-800">
          {facts.map((f) => `${t(f.label)} ${displayValue(value(f.name), f.table, locale, t)}`).join(" · ")}
        </span>
        {changed && <Mark tone="changed">{t("visit.changed")}</Mark>}
      </summary>
      <div className="flex flex-col gap-3 pb-3 pt-1">
        {facts.map((f) => {
          const before = register[f.name];
          const now = value(f.name);
          const hint = sameValue(now, before)
            ? null
            : t("visit.facts.registerWas", { value: displayValue(before, f.table, locale, t) });
          if (f.table) {
            return (
              <label key={f.name} className="flex flex-col gap-1 text-base" htmlFor={`${id}-${f.name}`}>
                <span className="font-semibold">{t(f.label)}</span>
                <select
                  id={`${id}-${f.name}`}
                  className={inputClass}
                  value={String(now ?? "")}
                  onChange={(event) => set(f.name, event.target.value)}
                >
                  <CodeOptions table={f.table} locale={locale} t={t} empty={false} />
                </select>
                {hint && <span className="text-sm text-gray-800">{hint}</span>}
              </label>
            );
          }
          return (
            <fieldset key={f.name} className="flex flex-col gap-1 text-base">
              <legend className="font-semibold">{t(f.label)}</legend>
              <div className="grid grid-cols-2 gap-2">
                {[true, false].map((flag) => (
                  <label
                    key={String(flag)}
                    className="flex min-h-11 items-center gap-2 rounded-lg border-2 border-gray-400 bg-white px-3"
                  >
                    <input
                      type="radio"
                      className="h-5 w-5"
                      name={`${id}-${f.name}`}
                      checked={now === flag}
                      onChange={() => set(f.name, flag)}
                    />
                    {t(flag ? "visit.yes" : "visit.no")}
                  </label>
                ))}
              </div>
              {hint && <span className="text-sm text-gray-800">{hint}</span>}
            </fieldset>
          );
        })}
        {observed && (
          <Button variant="plain" onClick={() => onChange(undefined)}>
            {t("visit.undo")}
          </Button>
        )}
      </div>
    </details>
  );
}

const HOUSEHOLD_FACTS: readonly FactSpec[] = [
  { name: "kind", label: "register.householdKind", table: HOUSEHOLD_KIND },
  { name: "lowIncome", label: "register.lowIncome" },
  { name: "fiveGuarantee", label: "register.fiveGuarantee" },
];

const ROOM_FACTS: readonly FactSpec[] = [{ name: "use", label: "register.roomUse", table: ROOM_USE }];

/** 户别, 低保户, 五保户 of a registered household. */
export function HouseholdFacts({ household }: { household: Row }) {
  const { t } = useI18n();
  const { draft, update } = useRoom();
  return (
    <FactsCorrection
      testId="household-facts"
      title={t("visit.facts.household")}
      register={household}
      facts={HOUSEHOLD_FACTS}
      observed={draft.households[household.id]}
      onChange={(observed) =>
        update((d) => {
          const households = { ...d.households };
          if (observed) households[household.id] = observed;
          else delete households[household.id];
          return { ...d, households };
        })
      }
    />
  );
}

/** The room's use (住宅, 商铺…). */
export function RoomFacts() {
  const { t } = useI18n();
  const { data, draft, update } = useRoom();
  return (
    <FactsCorrection
      testId="room-facts"
      title={t("visit.facts.room")}
      register={data.room}
      facts={ROOM_FACTS}
      observed={Object.keys(draft.room).length > 0 ? draft.room : undefined}
      onChange={(observed) => update((d) => ({ ...d, room: observed ?? {} }))}
    />
  );
}
