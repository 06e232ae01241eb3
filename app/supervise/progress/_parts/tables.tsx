"use client";

import type { ReactNode } from "react";
import type { Translate } from "@/domain/i18n";
import type {
  AreaProgress,
  DayProgress,
  GridProgress,
  OfficerProgress,
  ProgressMeasures,
  ProgressSummary,
} from "@/domain/progress";
import { formatPercent } from "@/domain/progress";
import { useI18n } from "../../../_components/i18n";
import { STATUS_CLASSES } from "../../../_components/status";
import { type Column, SortableTable } from "./sortable-table";

/** Completion as a bar with its percent beside it: the number is the message, the bar a glance. */
export function CompletionBar({ rate, wide = false }: { rate: number | null; wide?: boolean }) {
  const percent = rate === null ? 0 : Math.min(100, Math.max(0, rate * 100));
  return (
    <span className="flex items-center justify-end gap-2">
      <span
        aria-hidden
        className={`relative inline-block h-2.5 overflow-hidden rounded-full bg-gray-200 ${wide ? "w-full" : "w-12"}`}
      >
        <span
          className={`absolute inset-y-0 left-0 rounded-full ${STATUS_CLASSES.done}`}
          style={{ width: `${percent}%` }}
        />
      </span>
      <span className="w-14 shrink-0 text-right tabular-nums">{formatPercent(rate)}</span>
    </span>
  );
}

/** Rooms to report to the community: bold and red when there are any, so a grid that has them stands out. */
function EscalateCount({ value }: { value: number }) {
  return (
    <span className={`tabular-nums ${value > 0 ? "font-bold text-red-800" : ""}`} data-escalate={value}>
      {value}
    </span>
  );
}

/** The measure columns every breakdown shares, each tied to its status colour and label. */
function measureColumns<T extends ProgressMeasures>(t: Translate): Column<T>[] {
  return [
    {
      key: "assigned",
      label: t("progress.measure.assigned"),
      value: (r) => r.assigned,
      numeric: true,
      swatch: STATUS_CLASSES.todo,
    },
    {
      key: "visited",
      label: t("progress.measure.visited"),
      value: (r) => r.visited,
      numeric: true,
      swatch: "border-2 border-gray-600",
    },
    {
      key: "checked",
      label: t("progress.measure.checked"),
      value: (r) => r.checked,
      numeric: true,
      swatch: STATUS_CLASSES.done,
    },
    {
      key: "approved",
      label: t("progress.measure.approved"),
      value: (r) => r.approved,
      numeric: true,
      swatch: STATUS_CLASSES.approved,
    },
    {
      key: "returned",
      label: t("progress.measure.returned"),
      value: (r) => r.returned,
      numeric: true,
      swatch: STATUS_CLASSES.returned,
    },
    {
      key: "revisitsDue",
      label: t("progress.measure.revisitsDue"),
      value: (r) => r.revisitsDue,
      numeric: true,
      swatch: STATUS_CLASSES.revisit,
    },
    {
      key: "toEscalate",
      label: t("progress.measure.toEscalate"),
      value: (r) => r.toEscalate,
      numeric: true,
      // No swatch: to escalate is no room state of its own (those rooms are among revisits due).
      render: (r) => <EscalateCount value={r.toEscalate} />,
    },
    {
      key: "completion",
      label: t("progress.measure.completion"),
      value: (r) => r.completion,
      numeric: true,
      render: (r) => <CompletionBar rate={r.completion} />,
    },
  ];
}

function Card({
  title,
  id,
  action,
  children,
}: {
  title: string;
  id: string;
  action?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="min-w-0 rounded-xl bg-white p-3 shadow-sm sm:p-4">
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <h2 id={id} className="text-lg font-bold">
          {title}
        </h2>
        <span className="flex-1" />
        {action}
      </div>
      {children}
    </section>
  );
}

function Empty({ text }: { text: string }) {
  return <p className="rounded-lg bg-gray-50 p-4 text-center text-gray-700">{text}</p>;
}

/**
 * The areas one level down (a street's communities, a district's streets…), each a button that goes
 * down to it: the report then covers that area.
 */
export function AreaTable({ summary, onPick }: { summary: ProgressSummary; onPick(areaId: string): void }) {
  const { t } = useI18n();
  const columns: Column<AreaProgress>[] = [
    {
      key: "area",
      label: t("progress.col.area"),
      value: (a) => a.name,
      render: (a) => (
        <button
          type="button"
          onClick={() => onPick(a.id)}
          className="min-h-11 text-left font-medium text-brand underline underline-offset-2"
        >
          {a.name}
        </button>
      ),
    },
    ...measureColumns<AreaProgress>(t),
  ];
  return (
    <Card title={t("progress.byArea")} id="progress-areas">
      <SortableTable
        caption={t("progress.byArea")}
        columns={columns}
        rows={summary.children}
        rowKey={(a) => a.id}
        initialSort={{ key: "area", direction: "ascending" }}
        testId="progress-areas"
        minWidth="50rem"
        footer={<TotalsRow totals={summary.totals} leading={1} />}
      />
    </Card>
  );
}

export function GridTable({
  summary,
  csvHref,
}: {
  summary: ProgressSummary;
  csvHref: (table: "grids" | "officers" | "days") => string;
}) {
  const { t } = useI18n();
  const columns: Column<GridProgress>[] = [
    {
      key: "community",
      label: t("progress.col.community"),
      value: (g) => g.communityName,
    },
    {
      key: "grid",
      label: t("progress.col.grid"),
      value: (g) => g.gridCode,
      render: (g) => (
        <span className="flex flex-col">
          <span className="font-medium">{g.gridName}</span>
          <span className="text-xs text-gray-600 tabular-nums">{g.gridCode}</span>
        </span>
      ),
    },
    {
      key: "officers",
      label: t("progress.col.officers"),
      value: (g) => g.officers.join(t("progress.listSeparator")) || null,
      wrap: true,
    },
    ...measureColumns<GridProgress>(t),
  ];
  return (
    <Card
      title={t("progress.byGrid")}
      id="progress-grids"
      action={<CsvLink href={csvHref("grids")} table={t("progress.byGrid")} />}
    >
      {!summary.listed ? (
        <Empty text={t("progress.drillDown")} />
      ) : summary.grids.length === 0 ? (
        <Empty text={t("progress.empty.grids")} />
      ) : (
        <SortableTable
          caption={t("progress.byGrid")}
          columns={columns}
          rows={summary.grids}
          rowKey={(g) => g.gridId}
          initialSort={{ key: "grid", direction: "ascending" }}
          testId="progress-grids"
          minWidth="57rem"
          footer={<TotalsRow totals={summary.totals} leading={3} />}
        />
      )}
    </Card>
  );
}

function TotalsRow({ totals, leading }: { totals: ProgressMeasures; leading: number }) {
  const { t } = useI18n();
  return (
    <tr>
      <th scope="row" colSpan={leading} className="px-2 py-2 text-left">
        {t("progress.total")}
      </th>
      {[
        totals.assigned,
        totals.visited,
        totals.checked,
        totals.approved,
        totals.returned,
        totals.revisitsDue,
      ].map((value, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed row of six measures
        <td key={index} className="px-2 py-2 text-right tabular-nums">
          {value}
        </td>
      ))}
      <td className="px-2 py-2 text-right">
        <EscalateCount value={totals.toEscalate} />
      </td>
      <td className="px-2 py-2">
        <CompletionBar rate={totals.completion} />
      </td>
    </tr>
  );
}

export function OfficerTable({
  summary,
  csvHref,
}: {
  summary: ProgressSummary;
  csvHref: (table: "grids" | "officers" | "days") => string;
}) {
  const { t } = useI18n();
  const columns: Column<OfficerProgress>[] = [
    {
      key: "officer",
      label: t("progress.col.officer"),
      value: (o) => o.name,
      render: (o) => (
        <span className="flex flex-col">
          <span className="font-medium">{o.name}</span>
          <span className="text-xs text-gray-600">{o.username}</span>
        </span>
      ),
    },
    {
      key: "grids",
      label: t("progress.col.grids"),
      value: (o) => o.grids.join(t("progress.listSeparator")) || null,
      wrap: true,
    },
    ...measureColumns<OfficerProgress>(t),
  ];
  return (
    <Card
      title={t("progress.byOfficer")}
      id="progress-officers"
      action={<CsvLink href={csvHref("officers")} table={t("progress.byOfficer")} />}
    >
      {!summary.listed ? (
        <Empty text={t("progress.drillDown")} />
      ) : summary.officers.length === 0 ? (
        <Empty text={t("progress.empty.officers")} />
      ) : (
        <SortableTable
          caption={t("progress.byOfficer")}
          columns={columns}
          rows={summary.officers}
          rowKey={(o) => o.officerId}
          initialSort={{ key: "officer", direction: "ascending" }}
          testId="progress-officers"
          minWidth="51rem"
        />
      )}
    </Card>
  );
}

export function DayTable({
  summary,
  csvHref,
}: {
  summary: ProgressSummary;
  csvHref: (table: "grids" | "officers" | "days") => string;
}) {
  const { t } = useI18n();
  const columns: Column<DayProgress>[] = [
    { key: "day", label: t("progress.col.day"), value: (d) => d.day },
    { key: "visits", label: t("progress.col.visits"), value: (d) => d.visits, numeric: true },
    {
      key: "firstVisits",
      label: t("progress.col.firstVisits"),
      value: (d) => d.firstVisits,
      numeric: true,
      swatch: STATUS_CLASSES.done,
    },
    {
      key: "cumulativeVisited",
      label: t("progress.col.cumulativeVisited"),
      value: (d) => d.cumulativeVisited,
      numeric: true,
    },
    {
      key: "completion",
      label: t("progress.col.cumulativeCompletion"),
      value: (d) => d.completion,
      numeric: true,
      render: (d) => <CompletionBar rate={d.completion} />,
    },
  ];
  return (
    <Card
      title={t("progress.byDay")}
      id="progress-days"
      action={<CsvLink href={csvHref("days")} table={t("progress.byDay")} />}
    >
      {summary.days.length === 0 ? (
        <Empty text={t("progress.empty.days")} />
      ) : (
        <SortableTable
          caption={t("progress.byDay")}
          columns={columns}
          rows={summary.days}
          rowKey={(d) => d.day}
          initialSort={{ key: "day", direction: "descending" }}
          testId="progress-days"
          minWidth="34rem"
        />
      )}
    </Card>
  );
}

function CsvLink({ href, table }: { href: string; table: string }) {
  const { t } = useI18n();
  return (
    <a
      href={href}
      download
      aria-label={t("progress.export.tableCsv", { table })}
      className="inline-flex min-h-11 items-center rounded-lg border border-gray-300 px-3 text-sm font-medium text-brand hover:bg-gray-50"
    >
      {t("progress.export.csvShort")}
    </a>
  );
}
