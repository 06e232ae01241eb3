"use client";

import { FIELD_INFO } from "@/domain/fields";
import type { FieldDiff } from "@/domain/visit";
import { useI18n } from "../../../_components/i18n";
import { displayValue } from "./ui";

/** Register value beside the observed one, field by field: what the supervisor will review. */
export function DiffList({ diffs, labels = {} }: { diffs: FieldDiff[]; labels?: Record<string, string> }) {
  const { t, locale } = useI18n();
  if (diffs.length === 0) return null;
  return (
    <ul className="mt-2 flex flex-col gap-1 rounded-lg bg-sky-50 p-2 text-base" data-testid="diff-list">
      {diffs.map((diff) => {
        const info = FIELD_INFO[diff.field];
        return (
          <li key={diff.field} className="flex flex-wrap items-baseline gap-x-2">
            <span className="font-semibold">{t(labels[diff.field] ?? info?.label ?? diff.field)}</span>
            <span className="text-gray-700 line-through decoration-1">
              {displayValue(diff.registerValue, info?.table, locale, t)}
            </span>
            <span aria-hidden>→</span>
            <span className="sr-only">{t("visit.becomes")}</span>
            <span className="font-semibold text-gray-950">
              {displayValue(diff.observedValue, info?.table, locale, t)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
