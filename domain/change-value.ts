// A change's value in words, as the review pane shows it and the changes export writes it: code labels
// in the reader's language, yes/no for flags, an end reason with its destination or death date, a new
// record as its fields one by one. Never JSON: whoever reads it is a supervisor or a department, not a
// program. Masking is the caller's choice (the review pane reveals on request; a file never does).

import { type CodeTable, codeLabel, END_REASON, HOUSEHOLD_KIND, ROOM_USE } from "./codes";
import { FIELD_INFO } from "./fields";
import type { Locale, Translate } from "./i18n";
import { maskFieldValue } from "./mask";
import { plainValueText } from "./value-text";

/** Labels that name a change's field beside the register's own fields. */
const EXTRA_LABELS: Record<string, string> = {
  endedAt: "review.field.endedAt",
  endReason: "review.field.endReason",
  "*": "review.field.new",
  // A person moved by a confirmed move-in (claims.ts movedInChanges).
  roomId: "change.field.roomId",
  householdId: "change.field.householdId",
};

/** A field means something else on some records: a household's kind is 户别, not a unit's 类型. */
const ENTITY_FIELDS: Record<string, Record<string, { label: string; table?: CodeTable }>> = {
  room: { use: { label: "register.roomUse", table: ROOM_USE } },
  household: {
    kind: { label: "register.householdKind", table: HOUSEHOLD_KIND },
    // A person's lowIncome is 低保人员; a household's is 低保户.
    lowIncome: { label: "register.lowIncome" },
    householdNo: { label: "register.householdNo" },
  },
};

/** Household fields FIELD_INFO (the person and record forms' words) has no word for. */
const RECORD_FIELDS: Record<string, { label: string; table?: CodeTable }> = {
  headName: { label: "change.field.headName" },
  fiveGuarantee: { label: "change.field.fiveGuarantee" },
};

function infoOf(entity: string | null, field: string) {
  return (entity ? ENTITY_FIELDS[entity]?.[field] : undefined) ?? FIELD_INFO[field] ?? RECORD_FIELDS[field];
}

/** The words for a change's field ("联系电话", "注销原因", "新增记录"). */
export function changeFieldLabel(field: string, t: Translate, entity: string | null = null): string {
  const key = EXTRA_LABELS[field] ?? infoOf(entity, field)?.label;
  return key ? t(key) : field;
}

/**
 * Keys of a new record that point at other rows (the room, household, rental or person it belongs
 * to): the reader sees where it is and whose it is from the row's other columns, not from an id.
 */
const isReference = (key: string) => key === "id" || /Id$/.test(key);

export interface ChangeValueOptions {
  locale: Locale;
  t: Translate;
  /** Mask names, ID numbers, phones, birth dates, addresses and destinations first (a file always does). */
  mask: boolean;
  /** The record the change belongs to, for fields whose meaning depends on it. */
  entity?: string | null;
}

/** One plain value of a field: its code's label, yes/no, or the value as written. */
function scalarText(entity: string | null, field: string, value: unknown, locale: Locale, t: Translate) {
  if (field === "endReason" && typeof value !== "boolean")
    return codeLabel(END_REASON, String(value), locale);
  return plainValueText(value, infoOf(entity, field)?.table, locale, t);
}

/**
 * A change's register or observed value in words; "" for no value.
 *
 * - An end reason: its label, then where the person went (迁往：…) or the day they died (死亡日期：…).
 *   The death date stays in clear even masked: it is the record's end date, which the 注销日期 row
 *   beside it shows anyway; the destination is an address, masked to its district.
 * - A new record: each field that holds a value, as "label：value", one after another; references to
 *   other rows, and flags left unset, are left out.
 */
export function changeValueText(field: string, value: unknown, options: ChangeValueOptions): string {
  const { locale, t } = options;
  const entity = options.entity ?? null;
  if (value === null || value === undefined || value === "") return "";
  const shown = options.mask ? maskFieldValue(field, value) : value;
  if (shown === null || shown === undefined || shown === "") return "";
  if (typeof shown !== "object") return scalarText(entity, field, shown, locale, t);
  if (Array.isArray(shown)) {
    return shown
      .map((item) => changeValueText(field, item, { ...options, mask: false }))
      .filter(Boolean)
      .join(t("change.separator"));
  }
  const row = shown as Record<string, unknown>;
  if (field === "endReason") {
    const parts = [codeLabel(END_REASON, String(row.code ?? ""), locale)];
    if (typeof row.destination === "string" && row.destination !== "")
      parts.push(t("visit.member.destination", { place: row.destination }));
    if (typeof row.deathDate === "string" && row.deathDate !== "")
      parts.push(t("visit.member.deathDate", { date: row.deathDate }));
    return parts.filter(Boolean).join(t("change.separator"));
  }
  // In the order of the officer's forms (the stored value's key order is the database's, not theirs).
  const order = [
    ...Object.keys((entity && ENTITY_FIELDS[entity]) ?? {}),
    ...Object.keys(FIELD_INFO),
    ...Object.keys(RECORD_FIELDS),
  ];
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return (
    Object.entries(row)
      // An unset flag of a new record is the register's default, not something the officer said.
      .filter(([key, inner]) => !isReference(key) && inner !== null && inner !== undefined && inner !== "")
      .filter(([, inner]) => inner !== false)
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(([key, inner]) => {
        const text =
          typeof inner === "object"
            ? changeValueText(key, inner, { ...options, mask: false })
            : scalarText(entity, key, inner, locale, t);
        return t("change.pair", { label: changeFieldLabel(key, t, entity), value: text });
      })
      .join(t("change.separator"))
  );
}
