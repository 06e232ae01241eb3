"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { IMPORT_KINDS, type ImportKind } from "@/domain/import/kinds";
import { chinaDay } from "@/domain/progress";
import { useI18n } from "../../_components/i18n";
import { ErrorPanel } from "../../_components/shell";
import { useTRPC } from "../../_components/trpc";

type Kind = "results" | "changes" | "answers" | "register" | "statistics";
type Format = "xlsx" | "csv";
interface Params {
  campaignId?: string;
  areaId?: string;
  /** Which register (an import kind); the route's default, persons, when not given. */
  registerKind?: ImportKind;
}

/** The export route's address; an empty parameter is left out (the caller's own area). */
function exportHref(kind: Kind, format: Format, params: Params) {
  const query = new URLSearchParams({ format });
  if (params.campaignId && (kind === "results" || kind === "changes"))
    query.set("campaignId", params.campaignId);
  // The answers route names its campaign as the questionnaire upload does.
  if (params.campaignId && kind === "answers") query.set("campaign", params.campaignId);
  if (params.registerKind && kind === "register") query.set("kind", params.registerKind);
  if (params.areaId) query.set("areaId", params.areaId);
  return `/api/export/${kind}?${query}`;
}

/**
 * Exports for supervisors and administrators: a campaign's visit results and changes, the register of
 * any import kind (administrators only: it is unmasked) and statistics by community and grid, each as
 * XLSX or CSV, for the caller's area or a part of it. The files are made and audited by the server.
 */
export default function ExportPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const filters = useQuery(trpc.map.filters.queryOptions());
  const [campaignId, setCampaignId] = useState<string | undefined>(undefined);
  const [areaId, setAreaId] = useState<string>("");
  const [registerKind, setRegisterKind] = useState<ImportKind>("persons");
  const registerKindId = useId();
  const shownCampaignId =
    campaignId ?? filters.data?.campaigns.find((c) => c.status !== "draft")?.id ?? undefined;
  // The answers file is offered for a campaign that has a questionnaire.
  const questionnaire = useQuery({
    ...trpc.campaign.questionnaire.queryOptions({ id: shownCampaignId ?? "" }),
    enabled: !!shownCampaignId,
  });

  if (filters.isPending || me.isPending) {
    return (
      <p className="p-6 text-center text-gray-600" aria-live="polite">
        {t("progress.loading")}
      </p>
    );
  }
  if (filters.error) return <ErrorPanel message={filters.error.message} onRetry={() => filters.refetch()} />;

  const user = me.data;
  const { areas } = filters.data;
  // A draft has no visits yet and no export: only open and closed campaigns are offered.
  const campaigns = filters.data.campaigns.filter((c) => c.status !== "draft");
  const campaign = campaigns.find((c) => c.id === campaignId) ?? campaigns[0];
  // Narrowing: streets and communities under the caller (an administrator sees the streets too); a
  // community's supervisor narrows to a grid. Communities are indented under their street.
  const partLevels = user?.areaLevel === "community" ? ["grid"] : ["street", "community"];
  const parts = areas.filter((a) => a.id !== user?.areaId && partLevels.includes(a.level));
  const indent = (level: string) =>
    level === "community" && parts.some((a) => a.level === "street") ? "\u3000" : "";
  const areaName = areas.find((a) => a.id === areaId)?.name ?? user?.areaName ?? "";
  const params = { campaignId: campaign?.id, areaId: areaId || undefined };

  return (
    <div className="flex min-w-0 flex-col gap-3">
      <div>
        <h1 className="text-2xl font-bold">{t("export.heading")}</h1>
        <p className="text-sm text-gray-700">{t("export.scope", { area: areaName })}</p>
      </div>

      <div className="flex flex-wrap gap-3 rounded-xl bg-white p-3 shadow-sm">
        <label className="flex min-w-[12rem] flex-1 flex-col gap-1 text-sm font-medium text-gray-700">
          {t("export.campaign")}
          <select
            value={campaign?.id ?? ""}
            onChange={(event) => setCampaignId(event.target.value || undefined)}
            disabled={campaigns.length === 0}
            className="min-h-11 w-full max-w-full rounded-lg border border-gray-300 bg-white px-2 text-base text-gray-900"
          >
            {campaigns.length === 0 && <option value="">{t("progress.noCampaignOption")}</option>}
            {campaigns.map((c) => (
              <option key={c.id} value={c.id}>
                {t("progress.campaignOption", {
                  name: c.name,
                  status: t(`progress.campaignStatus.${c.status}`),
                })}
              </option>
            ))}
          </select>
        </label>
        {parts.length > 0 && (
          <label className="flex min-w-[12rem] flex-1 flex-col gap-1 text-sm font-medium text-gray-700">
            {t("export.area")}
            <select
              value={areaId}
              onChange={(event) => setAreaId(event.target.value)}
              className="min-h-11 w-full max-w-full rounded-lg border border-gray-300 bg-white px-2 text-base text-gray-900"
            >
              <option value="">{t("export.allArea", { name: user?.areaName ?? "" })}</option>
              {parts.map((a) => (
                <option key={a.id} value={a.id}>
                  {`${indent(a.level)}${a.name}`}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>

      <ExportCard
        kind="results"
        name={t("export.results.name")}
        hint={t("export.results.hint")}
        params={params}
        disabledNote={campaign ? null : t("export.noCampaign")}
      />
      <ExportCard
        kind="changes"
        name={t("export.changes.name")}
        hint={t("export.changes.hint")}
        params={params}
        disabledNote={campaign ? null : t("export.noCampaign")}
      />
      {campaign && questionnaire.data && (
        <ExportCard
          kind="answers"
          name={t("export.answers.name")}
          hint={t("export.answers.hint")}
          params={params}
          disabledNote={null}
        />
      )}
      <ExportCard
        kind="statistics"
        name={t("export.statistics.name")}
        hint={t("export.statistics.hint", { date: chinaDay(new Date()) })}
        params={params}
        disabledNote={null}
      />
      <ExportCard
        kind="register"
        heading={t("export.register.name")}
        name={t(`export.sheet.${registerKind}`)}
        hint={t("export.register.hint")}
        params={{ ...params, registerKind }}
        disabledNote={user?.role === "admin" ? null : t("export.register.adminOnly")}
      >
        <label htmlFor={registerKindId} className="text-sm font-medium text-gray-700">
          {t("export.register.kind")}
        </label>
        <select
          id={registerKindId}
          value={registerKind}
          onChange={(event) => setRegisterKind(event.target.value as ImportKind)}
          aria-describedby={`${registerKindId}-rows`}
          className="mt-1 min-h-11 w-full max-w-full rounded-lg border border-gray-300 bg-white px-2 text-base text-gray-900 sm:w-auto"
        >
          {IMPORT_KINDS.map((option) => (
            <option key={option} value={option}>
              {t(`export.sheet.${option}`)}
            </option>
          ))}
        </select>
        <p id={`${registerKindId}-rows`} className="mt-1 text-sm text-gray-700">
          {t(`export.register.rows.${registerKind}`)}
        </p>
      </ExportCard>
    </div>
  );
}

function ExportCard({
  kind,
  heading,
  name,
  hint,
  params,
  disabledNote,
  children,
}: {
  kind: Kind;
  /** The card's title when it is not the file's name (the register: one card, a file per kind). */
  heading?: string;
  name: string;
  hint: string;
  params: Params;
  /** Why the file cannot be had here (no campaign, not an administrator); null offers the buttons. */
  disabledNote: string | null;
  /** Choices that shape the file, shown above the buttons when they are offered. */
  children?: React.ReactNode;
}) {
  const { t } = useI18n();
  const headingId = `export-${kind}`;
  return (
    <section aria-labelledby={headingId} className="rounded-xl bg-white p-3 shadow-sm sm:p-4">
      <h2 id={headingId} className="text-lg font-bold">
        {heading ?? name}
      </h2>
      <p className="mt-1 text-sm text-gray-700">{hint}</p>
      {!disabledNote && children && <div className="mt-2">{children}</div>}
      {disabledNote ? (
        <p className="mt-2 rounded-lg bg-gray-100 p-2 text-sm text-gray-800">{disabledNote}</p>
      ) : (
        <div className="mt-2 flex flex-wrap gap-2">
          {(["xlsx", "csv"] as const).map((format) => (
            <a
              key={format}
              href={exportHref(kind, format, params)}
              download
              aria-label={t("export.download", { name, format: format.toUpperCase() })}
              className={
                format === "xlsx"
                  ? "inline-flex min-h-11 min-w-24 items-center justify-center rounded-lg bg-brand px-4 font-medium text-white hover:bg-brand-dark"
                  : "inline-flex min-h-11 min-w-24 items-center justify-center rounded-lg border border-brand bg-white px-4 font-medium text-brand hover:bg-gray-50"
              }
            >
              {format.toUpperCase()}
            </a>
          ))}
        </div>
      )}
    </section>
  );
}
