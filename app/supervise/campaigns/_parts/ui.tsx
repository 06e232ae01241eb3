"use client";

import type { CampaignStatus } from "@/domain/campaign";
import type { Translate } from "@/domain/i18n";
import { useI18n } from "../../../_components/i18n";

const STATUS_CLASSES: Record<CampaignStatus, string> = {
  draft: "border-gray-400 bg-gray-100 text-gray-800",
  open: "border-green-700 bg-green-50 text-green-900",
  closed: "border-gray-500 bg-gray-200 text-gray-800",
};

/** The campaign's state in words, on a tint: never colour alone. */
export function CampaignStatusChip({ status }: { status: CampaignStatus }) {
  const { t } = useI18n();
  return (
    <span
      className={`inline-flex min-h-7 shrink-0 items-center rounded-full border px-3 text-sm font-semibold ${STATUS_CLASSES[status]}`}
      data-testid="campaign-status"
    >
      {t(`campaign.status.${status}`)}
    </span>
  );
}

function campaignDates(t: Translate, campaign: { startsOn: string; endsOn: string | null }) {
  return campaign.endsOn
    ? t("campaign.dates", { from: campaign.startsOn, to: campaign.endsOn })
    : t("campaign.datesFrom", { from: campaign.startsOn });
}

/** When, where and how staffed: the same lines on the list's card and the campaign's own view. */
export function CampaignFacts({
  campaign,
}: {
  campaign: {
    startsOn: string;
    endsOn: string | null;
    areas: readonly { name: string }[];
    assignedGrids: number;
    grids: number;
    officers: number;
  };
}) {
  const { t } = useI18n();
  return (
    <>
      <p className="text-sm text-gray-700">{campaignDates(t, campaign)}</p>
      <p className="text-sm text-gray-700">
        {t("campaign.areas", {
          areas: campaign.areas.map((area) => area.name).join(t("campaign.listSeparator")),
        })}
      </p>
      <p className="text-base font-medium text-gray-900">
        {t("campaign.staffing", {
          assigned: campaign.assignedGrids,
          grids: campaign.grids,
          officers: campaign.officers,
        })}
      </p>
    </>
  );
}

export const INPUT_CLASS =
  "min-h-11 w-full rounded-lg border border-gray-400 bg-white px-3 text-base text-gray-900 aria-[invalid=true]:border-red-700";

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="text-sm font-medium text-red-800">
      {message}
    </p>
  );
}

export const TH_CLASS = "border-b border-gray-300 px-2 py-1 text-left font-semibold";
export const TD_CLASS = "border-b border-gray-200 px-2 py-1";

/** A masked target as every supervisor's table shows it: the preview's sample and the move list alike. */
type TargetRow = { label: string; detail?: string; address: string; roomNo: string; gridName: string };

/** The head cells of a target row; `detail` adds the column of what matched (an age, a size…). */
export function TargetHeadCells({ detail = false }: { detail?: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <th className={TH_CLASS}>{t("targets.col.name")}</th>
      {detail && <th className={TH_CLASS}>{t("targets.col.detail")}</th>}
      <th className={TH_CLASS}>{t("targets.col.address")}</th>
      <th className={TH_CLASS}>{t("targets.col.room")}</th>
      <th className={TH_CLASS}>{t("targets.col.grid")}</th>
    </>
  );
}

export function TargetCells({ target, detail = false }: { target: TargetRow; detail?: boolean }) {
  return (
    <>
      <td className={TD_CLASS}>{target.label}</td>
      {detail && <td className={`${TD_CLASS} tabular-nums`}>{target.detail}</td>}
      <td className={TD_CLASS}>{target.address}</td>
      <td className={TD_CLASS}>{target.roomNo}</td>
      <td className={TD_CLASS}>{target.gridName}</td>
    </>
  );
}
