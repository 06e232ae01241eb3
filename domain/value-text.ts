// Apart from change-value.ts, which needs the masks and every field's words: the officer's room screen
// needs only this, and carries a JavaScript budget.

import { type CodeTable, codeLabel } from "./codes";
import type { Locale, Translate } from "./i18n";

/**
 * One plain value in words: yes/no for a flag, its code's label when the field has a code table, else
 * as written; "" for no value. The officer's screens show it as the supervisor's and the files do.
 */
export function plainValueText(
  value: unknown,
  table: CodeTable | undefined,
  locale: Locale,
  t: Translate,
): string {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "boolean") return value ? t("visit.yes") : t("visit.no");
  if (table) return codeLabel(table, String(value), locale);
  return String(value);
}
