"use client";

import { useEffect, useId, useRef, useState } from "react";
import { type DayProgress, formatPercent, niceScale } from "@/domain/progress";
import { useI18n } from "../../../_components/i18n";
import { STATUS_CLASSES } from "../../../_components/status";

const HEIGHT = 260;
const MARGIN = { top: 16, right: 52, bottom: 44, left: 58 };

/** The chart draws at the width it is given, so its text keeps its size on a phone. */
function useWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = () => setWidth(Math.max(280, Math.floor(element.clientWidth)));
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

const shortDay = (day: string) => day.slice(5);

/**
 * Daily progress as plain SVG: a bar of visits recorded per day (left axis) and a line of cumulative
 * completion (right axis, 0–100 %). The SVG has a title and description; a visually hidden table
 * holds the same numbers for screen readers.
 */
export function DailyChart({ days }: { days: DayProgress[] }) {
  const { t } = useI18n();
  if (days.length === 0) {
    return <p className="rounded-lg bg-gray-50 p-4 text-center text-gray-700">{t("progress.empty.days")}</p>;
  }
  return <Chart days={days} />;
}

function Chart({ days }: { days: DayProgress[] }) {
  const { t } = useI18n();
  const titleId = useId();
  const descId = useId();
  const [boxRef, width] = useWidth<HTMLDivElement>(640);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const { top, step } = niceScale(Math.max(...days.map((d) => d.visits)));
  const band = plotW / days.length;
  const barW = Math.max(1, Math.min(40, band * 0.7));
  const x = (i: number) => MARGIN.left + band * i + band / 2;
  const yVisits = (v: number) => MARGIN.top + plotH - (v / top) * plotH;
  const yRate = (r: number) => MARGIN.top + plotH - Math.min(1, Math.max(0, r)) * plotH;
  const labelEvery = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor(plotW / 56))));
  const visitTicks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const rateTicks = [0, 0.25, 0.5, 0.75, 1];
  const line = days
    .map((d, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${yRate(d.completion ?? 0).toFixed(1)}`)
    .join(" ");
  const first = days[0];
  const last = days[days.length - 1];

  return (
    <div>
      <div ref={boxRef} className="w-full">
        <svg
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          className="block h-auto max-w-full"
          data-testid="progress-chart"
        >
          <title id={titleId}>{t("progress.chart.title")}</title>
          <desc id={descId}>
            {t("progress.chart.description", {
              from: first.day,
              to: last.day,
              visits: days.reduce((s, d) => s + d.visits, 0),
              completion: formatPercent(last.completion),
            })}
          </desc>
          {/* Grid lines and the left axis: visits */}
          {visitTicks.map((v) => (
            <g key={`v${v}`}>
              <line
                x1={MARGIN.left}
                x2={MARGIN.left + plotW}
                y1={yVisits(v)}
                y2={yVisits(v)}
                className="stroke-gray-200"
              />
              <text
                x={MARGIN.left - 6}
                y={yVisits(v)}
                textAnchor="end"
                dominantBaseline="middle"
                className="fill-gray-700 text-[11px]"
              >
                {v}
              </text>
            </g>
          ))}
          {/* The right axis: cumulative completion */}
          {rateTicks.map((r) => (
            <text
              key={`r${r}`}
              x={MARGIN.left + plotW + 6}
              y={yRate(r)}
              dominantBaseline="middle"
              className="fill-gray-700 text-[11px]"
            >
              {`${r * 100}%`}
            </text>
          ))}
          <text
            transform={`translate(12 ${MARGIN.top + plotH / 2}) rotate(-90)`}
            textAnchor="middle"
            className="fill-gray-800 text-[11px] font-semibold"
          >
            {t("progress.chart.visitsAxis")}
          </text>
          <text
            transform={`translate(${width - 8} ${MARGIN.top + plotH / 2}) rotate(90)`}
            textAnchor="middle"
            className="fill-gray-800 text-[11px] font-semibold"
          >
            {t("progress.chart.completionAxis")}
          </text>
          {/* Bars: visits per day */}
          {days.map((d, i) => (
            <rect
              key={d.day}
              x={x(i) - barW / 2}
              y={yVisits(d.visits)}
              width={barW}
              height={Math.max(0, MARGIN.top + plotH - yVisits(d.visits))}
              className="fill-status-done"
            >
              <title>
                {t("progress.chart.barTip", {
                  day: d.day,
                  visits: d.visits,
                  completion: formatPercent(d.completion),
                })}
              </title>
            </rect>
          ))}
          {/* The line: cumulative completion */}
          <path d={line} fill="none" strokeWidth={2.5} className="stroke-brand-dark" />
          {days.length <= 62 &&
            days.map((d, i) => (
              <circle
                key={`c${d.day}`}
                cx={x(i)}
                cy={yRate(d.completion ?? 0)}
                r={3}
                className="fill-white stroke-brand-dark"
                strokeWidth={2}
              />
            ))}
          {/* The bottom axis: days */}
          <line
            x1={MARGIN.left}
            x2={MARGIN.left + plotW}
            y1={MARGIN.top + plotH}
            y2={MARGIN.top + plotH}
            className="stroke-gray-500"
          />
          {days.map((d, i) =>
            i % labelEvery === 0 || i === days.length - 1 ? (
              <text
                key={`d${d.day}`}
                x={x(i)}
                y={MARGIN.top + plotH + 16}
                textAnchor="middle"
                className="fill-gray-700 text-[11px]"
              >
                {shortDay(d.day)}
              </text>
            ) : null,
          )}
          <text
            x={MARGIN.left + plotW / 2}
            y={HEIGHT - 6}
            textAnchor="middle"
            className="fill-gray-800 text-[11px] font-semibold"
          >
            {t("progress.chart.dayAxis")}
          </text>
        </svg>
      </div>
      <ul className="mt-2 flex flex-wrap gap-x-5 gap-y-1 text-sm text-gray-700" aria-hidden>
        <li className="flex items-center gap-2">
          <span className={`inline-block h-3 w-4 rounded-sm ${STATUS_CLASSES.done}`} />
          {t("progress.chart.legendVisits")}
        </li>
        <li className="flex items-center gap-2">
          <span className="inline-block h-0.5 w-5 bg-brand-dark" />
          {t("progress.chart.legendCompletion")}
        </li>
      </ul>
      <table className="sr-only">
        <caption>{t("progress.chart.tableCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("progress.col.day")}</th>
            <th scope="col">{t("progress.col.visits")}</th>
            <th scope="col">{t("progress.col.cumulativeVisited")}</th>
            <th scope="col">{t("progress.col.cumulativeCompletion")}</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{d.day}</th>
              <td>{d.visits}</td>
              <td>{d.cumulativeVisited}</td>
              <td>{formatPercent(d.completion)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
