"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ESCALATE_AFTER_ATTEMPTS } from "@/domain/counts";
import type { ProgressSummary } from "@/domain/progress";
import { ErrorPanel } from "../../_components/controls";
import { useI18n } from "../../_components/i18n";
import { useTRPC } from "../../_components/trpc";
import { AreaTrail } from "../_parts/area-trail";
import { DailyChart } from "./_parts/daily-chart";
import { AreaTable, DayTable, GridTable, OfficerTable } from "./_parts/tables";
import { Totals } from "./_parts/totals";

type TableKey = "grids" | "officers" | "days";

/** The export route's address for the report on screen; `table` narrows a CSV to one breakdown. */
function exportHref(
  summary: ProgressSummary,
  areaId: string | undefined,
  format: "csv" | "xlsx",
  table?: TableKey,
) {
  const params = new URLSearchParams({ format });
  if (summary.campaign) params.set("campaignId", summary.campaign.id);
  if (areaId) params.set("areaId", areaId);
  if (table) params.set("table", table);
  return `/api/export/progress?${params}`;
}

/**
 * Progress by grid, officer and day for a supervisor: a campaign picker (and a community one over a
 * street), the totals, the daily chart, three sortable tables and the exports. Cut to the caller's
 * area by the server; the definitions of the measures are shown under "How these are counted".
 */
export default function ProgressPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [campaignId, setCampaignId] = useState<string | undefined>(undefined);
  const [areaId, setAreaId] = useState<string | undefined>(undefined);
  const me = useQuery(trpc.auth.me.queryOptions());
  const query = useQuery({
    ...trpc.progress.summary.queryOptions({ campaignId, areaId }),
    placeholderData: keepPreviousData,
  });

  if (query.isPending) {
    return (
      <p className="p-6 text-center text-gray-600" aria-live="polite">
        {t("progress.loading")}
      </p>
    );
  }
  if (query.error) return <ErrorPanel message={query.error.message} onRetry={() => query.refetch()} />;

  const summary = query.data;
  const drilledTo = areaId && !summary.communities.some((c) => c.id === areaId) ? areaId : undefined;
  const csvHref = (table: TableKey) => exportHref(summary, areaId, "csv", table);
  const updating = query.isFetching;

  return (
    <div className="flex min-w-0 flex-col gap-3">
      <div className="flex flex-wrap items-end gap-x-3 gap-y-2">
        <div className="min-w-[14rem] flex-1">
          <h1 className="text-2xl font-bold">{t("progress.heading")}</h1>
          <p className="text-sm text-gray-600">
            {t("progress.asOf", { area: summary.area.name, date: summary.today })}
            <span aria-live="polite" className="ml-2">
              {updating ? t("progress.updating") : ""}
            </span>
          </p>
        </div>
        {summary.campaign && (
          <div className="flex flex-wrap gap-2">
            <a
              href={exportHref(summary, areaId, "xlsx")}
              download
              className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-medium text-white hover:bg-brand-dark"
            >
              {t("progress.export.xlsx")}
            </a>
            <a
              href={exportHref(summary, areaId, "csv")}
              download
              className="inline-flex min-h-11 items-center rounded-lg border border-brand bg-white px-4 font-medium text-brand hover:bg-gray-50"
            >
              {t("progress.export.csv")}
            </a>
          </div>
        )}
      </div>

      <AreaTrail trail={summary.trail} onPick={setAreaId} />

      <div className="flex flex-wrap gap-3 rounded-xl bg-white p-3 shadow-sm">
        <label className="flex min-w-0 flex-col gap-1 text-sm font-medium text-gray-700">
          {t("progress.campaign")}
          <select
            value={summary.campaign?.id ?? ""}
            onChange={(event) => setCampaignId(event.target.value || undefined)}
            disabled={summary.campaigns.length === 0}
            className="min-h-11 max-w-full rounded-lg border border-gray-300 bg-white px-2 text-base text-gray-900"
          >
            {summary.campaigns.length === 0 && <option value="">{t("progress.noCampaignOption")}</option>}
            {summary.campaigns.map((campaign) => (
              <option key={campaign.id} value={campaign.id}>
                {t("progress.campaignOption", {
                  name: campaign.name,
                  status: t(`progress.campaignStatus.${campaign.status}`),
                })}
              </option>
            ))}
          </select>
        </label>
        {summary.communities.length > 1 && (
          <label className="flex min-w-0 flex-col gap-1 text-sm font-medium text-gray-700">
            {t("progress.area")}
            <select
              value={areaId ?? ""}
              onChange={(event) => setAreaId(event.target.value || undefined)}
              className="min-h-11 max-w-full rounded-lg border border-gray-300 bg-white px-2 text-base text-gray-900"
            >
              {/* Reached by drilling down (a district, a street): the area in view heads the list. */}
              {drilledTo ? (
                <option value={drilledTo}>{t("progress.allArea", { name: summary.area.name })}</option>
              ) : (
                <option value="">{t("progress.allArea", { name: me.data?.areaName ?? "" })}</option>
              )}
              {summary.communities.map((community) => (
                <option key={community.id} value={community.id}>
                  {community.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="flex-1" />
        <button
          type="button"
          onClick={() => query.refetch()}
          className="min-h-11 self-end rounded-lg border border-gray-300 px-4 text-sm font-medium hover:bg-gray-50"
        >
          {t("progress.refresh")}
        </button>
      </div>

      {!summary.campaign ? (
        <p className="rounded-xl bg-white p-6 text-center text-gray-700 shadow-sm">
          {t("progress.noCampaign")}
        </p>
      ) : (
        <>
          <Totals totals={summary.totals} targets={summary.countsTargets} />
          {summary.countsTargets && (
            <p className="text-sm text-gray-700" data-testid="targets-note">
              {t("progress.targetsNote")}
            </p>
          )}
          <section
            aria-labelledby="progress-chart"
            className="min-w-0 rounded-xl bg-white p-3 shadow-sm sm:p-4"
          >
            <h2 id="progress-chart" className="mb-2 text-lg font-bold">
              {t("progress.chart.title")}
            </h2>
            <DailyChart days={summary.days} />
          </section>
          {summary.children.length > 0 && <AreaTable summary={summary} onPick={setAreaId} />}
          <GridTable summary={summary} csvHref={csvHref} />
          <OfficerTable summary={summary} csvHref={csvHref} />
          <DayTable summary={summary} csvHref={csvHref} />
          <details className="rounded-xl bg-white p-3 text-sm text-gray-800 shadow-sm sm:p-4">
            <summary className="flex min-h-11 cursor-pointer items-center font-semibold">
              {t("progress.def.title")}
            </summary>
            <ul className="mt-1 flex list-disc flex-col gap-1 pl-5">
              <li>{t("progress.def.assigned")}</li>
              <li>{t("progress.def.visited")}</li>
              <li>{t("progress.def.checked")}</li>
              <li>{t("progress.def.review")}</li>
              <li>{t("progress.def.revisitsDue")}</li>
              <li>{t("progress.def.toEscalate", { max: ESCALATE_AFTER_ATTEMPTS })}</li>
              <li>{t("progress.def.completion")}</li>
              <li>{t("progress.def.officers")}</li>
              <li>{t("progress.def.days")}</li>
            </ul>
          </details>
        </>
      )}
    </div>
  );
}
