"use client";

import { formatPercent, type ProgressMeasures } from "@/domain/progress";
import type { RoomStatus } from "@/domain/worklist";
import { useI18n } from "../../../_components/i18n";
import { STATUS_CLASSES } from "../../../_components/status";

// Visited is no room state (a visited room may be checked, owed a revisit or returned): an outline.
const ITEMS: { key: keyof Omit<ProgressMeasures, "completion">; status: RoomStatus | null }[] = [
  { key: "assigned", status: "todo" },
  { key: "visited", status: null },
  { key: "checked", status: "done" },
  { key: "approved", status: "approved" },
  { key: "returned", status: "returned" },
  { key: "revisitsDue", status: "revisit" },
];

/** The totals as big numbers, each with its status colour and its label; completion as a bar too. */
export function Totals({ totals, targets }: { totals: ProgressMeasures; targets: boolean }) {
  const { t } = useI18n();
  const percent = totals.completion === null ? 0 : Math.min(100, totals.completion * 100);
  return (
    <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-7" data-testid="progress-totals">
      <div className="col-span-2 rounded-xl bg-white p-3 shadow-sm sm:col-span-4 lg:col-span-1">
        <dt className="text-sm font-medium text-gray-700">{t("progress.measure.completion")}</dt>
        <dd className="text-3xl font-bold tabular-nums" data-testid="total-completion">
          {formatPercent(totals.completion)}
        </dd>
        <dd aria-hidden className="mt-2 h-2.5 overflow-hidden rounded-full bg-gray-200">
          <span
            className={`block h-full rounded-full ${STATUS_CLASSES.done}`}
            style={{ width: `${percent}%` }}
          />
        </dd>
        <dd className="mt-1 text-xs text-gray-600" data-testid="completion-of">
          {t(targets ? "progress.completionOfTargets" : "progress.completionOf", {
            visited: totals.visited,
            assigned: totals.assigned,
          })}
        </dd>
      </div>
      {ITEMS.map((item) => (
        <div key={item.key} className="min-w-0 rounded-xl bg-white p-3 shadow-sm">
          <dt className="flex items-center gap-2 text-sm font-medium text-gray-700">
            <span
              aria-hidden
              className={`inline-block size-3 shrink-0 rounded-full ${
                item.status ? STATUS_CLASSES[item.status] : "border-2 border-gray-600"
              }`}
            />
            <span className="truncate">{t(`progress.measure.${item.key}`)}</span>
          </dt>
          <dd className="text-3xl font-bold tabular-nums" data-testid={`total-${item.key}`}>
            {totals[item.key].toLocaleString("zh-CN")}
          </dd>
        </div>
      ))}
    </dl>
  );
}
