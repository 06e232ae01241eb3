"use client";

import { useMemo } from "react";
import { type HeldCampaign, ofCampaign } from "@/domain/held-campaigns";
import {
  gridCounts,
  type WorkFeedback,
  type WorkHousehold,
  type WorkRoom,
  type WorkTarget,
  type WorkVisit,
} from "@/domain/worklist";
import { useI18n } from "../../_components/i18n";
import type { GridData } from "../_lib/use-field-grid";

/**
 * The campaigns the officer works on, one tap apart (issue 17, item 3): every one is on the phone,
 * so a switch needs no signal; each shows its own progress. Before the first download it offers the
 * campaigns the server lists, to say which to open first. Radio buttons under the look of tabs: one
 * choice of several, as a screen reader should announce it.
 */
export function CampaignSwitch({
  campaigns,
  activeId,
  onChoose,
  all,
  primaryId,
}: {
  campaigns: readonly Pick<HeldCampaign, "id" | "name">[];
  activeId: string | null;
  onChoose: (id: string) => void;
  /** Everything the phone holds, every campaign's rows (null before the first download). */
  all: GridData | null;
  primaryId: string | null;
}) {
  const { t } = useI18n();
  const progress = useMemo(() => {
    if (!all || all.rooms.length === 0) return new Map<string, string>();
    return new Map(
      campaigns.map((campaign) => {
        const targeted = (campaign as Partial<HeldCampaign>).targeted === true;
        const counts = gridCounts({
          rooms: all.rooms as unknown as WorkRoom[],
          households: all.households as unknown as WorkHousehold[],
          visits: ofCampaign(all.visits, campaign.id, primaryId) as unknown as WorkVisit[],
          residentFeedback: ofCampaign(
            all.residentFeedback,
            campaign.id,
            primaryId,
          ) as unknown as WorkFeedback[],
          targets: targeted
            ? (ofCampaign(all.campaignTargets, campaign.id, primaryId) as unknown as WorkTarget[])
            : null,
        });
        return [campaign.id, t("field.campaignProgress", { visited: counts.visited, total: counts.rooms })];
      }),
    );
  }, [all, campaigns, primaryId, t]);
  return (
    <fieldset className="mb-3" data-testid="campaign-switch">
      <legend className="mb-1 text-base font-semibold">{t("field.switchCampaign")}</legend>
      <div className="flex gap-2 overflow-x-auto pb-1">
        {campaigns.map((campaign) => {
          const active = campaign.id === activeId;
          return (
            <label
              key={campaign.id}
              data-active={active}
              className={`flex min-h-14 min-w-32 max-w-56 shrink-0 cursor-pointer flex-col justify-center rounded-xl border-2 px-3 py-1 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand ${
                active ? "border-brand bg-brand text-white" : "border-gray-300 bg-white text-gray-900"
              }`}
            >
              <input
                type="radio"
                name="campaign"
                className="sr-only"
                checked={active}
                onChange={() => onChoose(campaign.id)}
              />
              <span className="line-clamp-2 text-base font-semibold leading-tight">{campaign.name}</span>
              {progress.has(campaign.id) && (
                <span className={`text-sm ${active ? "text-white/90" : "text-gray-700"}`}>
                  {progress.get(campaign.id)}
                </span>
              )}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
