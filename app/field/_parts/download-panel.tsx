"use client";

import { useI18n } from "../../_components/i18n";
import type { Campaign, Download } from "../_lib/use-field-grid";
import { NoAssignment } from "./no-assignment";

/** Download (or refresh) the grid for every campaign held, with its progress, failure and last time. */
export function DownloadPanel({
  download,
  hasData,
  pulledAt,
  onPull,
  ready,
  campaigns,
}: {
  download: Download;
  hasData: boolean;
  pulledAt?: string;
  onPull: () => void;
  /** The phone's database is open: until then a tap would have nowhere to write. */
  ready: boolean;
  campaigns: Campaign[] | null;
}) {
  const { t, locale } = useI18n();
  if (download.state === "running") {
    return (
      <div className="mb-3 rounded-xl bg-white p-4 shadow-sm" aria-live="polite">
        <p className="mb-2 text-base">{t("field.downloading", { rows: download.rows })}</p>
        <progress className="h-3 w-full accent-brand" aria-label={t("field.download")} />
      </div>
    );
  }
  return (
    <div className="mb-3 rounded-xl bg-white p-4 shadow-sm">
      {download.state === "failed" && (
        <p role="alert" data-testid="error" className="mb-3 rounded-lg bg-red-50 p-3 text-red-900">
          {t(download.outdated ? "field.appOutdated" : "field.downloadFailed")}
        </p>
      )}
      {/* Known to have no open campaign (online): nothing to download, and whom to ask. */}
      {!hasData && campaigns?.length === 0 ? (
        <NoAssignment />
      ) : (
        !hasData && (
          <>
            <p className="mb-1 text-lg font-semibold">{t("field.noGrid")}</p>
            <p className="mb-3 text-gray-700">{t("field.downloadHint")}</p>
          </>
        )
      )}
      {hasData && campaigns && campaigns.length === 0 && (
        <p className="mb-3 rounded-lg bg-amber-50 p-3 text-amber-950">{t("field.noCampaign")}</p>
      )}
      {campaigns && campaigns.length === 1 && (
        <p className="mb-3 text-base" data-testid="campaign">
          {t("field.campaign", { name: campaigns[0].name })}
        </p>
      )}
      {/* Several: the switcher above lists them, and the download brings them all. */}
      {campaigns && campaigns.length > 1 && (
        <p className="mb-3 text-base" data-testid="campaigns-all">
          {t("field.campaignsAll", { count: campaigns.length })}
        </p>
      )}
      <div className="flex items-center gap-3" hidden={!hasData && campaigns?.length === 0}>
        <button
          type="button"
          onClick={onPull}
          disabled={!ready}
          className="min-h-12 rounded-lg bg-brand px-5 text-lg font-bold text-white disabled:opacity-60"
        >
          {download.state === "failed"
            ? t("field.resume")
            : hasData
              ? t("field.refresh")
              : t("field.download")}
        </button>
        {pulledAt && (
          <span className="text-sm text-gray-600" data-testid="pulled-at">
            {t("field.lastPulled", { time: new Date(pulledAt).toLocaleString(locale) })}
          </span>
        )}
      </div>
    </div>
  );
}
