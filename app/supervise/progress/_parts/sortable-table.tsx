"use client";

import { type ReactNode, useId, useMemo, useState } from "react";
import { type SortDirection, type SortValue, sortRows } from "@/domain/progress";

export interface Column<T> {
  key: string;
  label: string;
  /** The value the column sorts by. */
  value: (row: T) => SortValue;
  render?: (row: T) => ReactNode;
  numeric?: boolean;
  /** A status colour shown beside the header (always with its label). */
  swatch?: string;
  /** Let long text (a list of names) wrap; other cells keep to one line and the table scrolls. */
  wrap?: boolean;
}

export interface SortState {
  key: string;
  direction: SortDirection;
}

/**
 * A table whose headers sort it: a click sorts by the column (numbers largest first, text A→Z), a
 * second click turns the order round. The sorted header carries `aria-sort`. The table scrolls
 * sideways inside its own box, so a narrow screen never scrolls the page.
 */
export function SortableTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  initialSort,
  footer,
  testId,
  minWidth = "44rem",
}: {
  caption: string;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  initialSort: SortState;
  footer?: ReactNode;
  testId?: string;
  minWidth?: string;
}) {
  const captionId = useId();
  const [sort, setSort] = useState<SortState>(initialSort);
  const sorted = useMemo(() => {
    const column = columns.find((c) => c.key === sort.key) ?? columns[0];
    return sortRows(rows, column.value, sort.direction);
  }, [rows, columns, sort]);

  const sortBy = (column: Column<T>) =>
    setSort((current) =>
      current.key === column.key
        ? { key: column.key, direction: current.direction === "ascending" ? "descending" : "ascending" }
        : { key: column.key, direction: column.numeric ? "descending" : "ascending" },
    );

  return (
    <section
      className="overflow-x-auto"
      aria-labelledby={captionId}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it
      tabIndex={0}
      data-testid={testId}
    >
      <table className="w-full border-collapse text-sm" style={{ minWidth }}>
        <caption id={captionId} className="sr-only">
          {caption}
        </caption>
        <thead>
          <tr className="border-b-2 border-gray-200 text-left">
            {columns.map((column) => {
              const active = sort.key === column.key;
              return (
                <th
                  key={column.key}
                  scope="col"
                  aria-sort={active ? sort.direction : undefined}
                  className={`whitespace-nowrap p-0 font-semibold text-gray-700 ${column.numeric ? "text-right" : ""}`}
                >
                  <button
                    type="button"
                    onClick={() => sortBy(column)}
                    className={`flex min-h-11 w-full items-center gap-1 px-2 hover:bg-gray-50 ${
                      column.numeric ? "justify-end" : ""
                    } ${active ? "text-gray-950" : ""}`}
                  >
                    {column.swatch && (
                      <span aria-hidden className={`inline-block size-2.5 rounded-full ${column.swatch}`} />
                    )}
                    <span>{column.label}</span>
                    <span aria-hidden className={`w-3 text-xs ${active ? "" : "text-gray-300"}`}>
                      {active ? (sort.direction === "ascending" ? "▲" : "▼") : "↕"}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={rowKey(row)} className="border-b border-gray-100 last:border-b-0 hover:bg-gray-50">
              {columns.map((column) => (
                <td
                  key={column.key}
                  className={`px-2 py-2 align-middle ${column.numeric ? "text-right tabular-nums" : ""} ${
                    column.wrap ? "min-w-32" : "whitespace-nowrap"
                  }`}
                >
                  {column.render ? column.render(row) : column.value(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {footer && <tfoot className="border-t-2 border-gray-200 font-semibold">{footer}</tfoot>}
      </table>
    </section>
  );
}
