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
        return [campaign.id, t("field.campaignProgress", { done: counts.checked, total: counts.rooms })];
      }),
    );
  }, [all, campaigns, primaryId, t]);
  return (
    // In the sticky header: one tap from anywhere in a long list, never scrolled away; two to a row,
    // each in full view (a row scrolled sideways hid the tabs past the screen's edge).
    <fieldset className="mx-auto max-w-3xl px-3 pb-2" data-testid="campaign-switch">
      <legend className="sr-only">{t("field.switchCampaign")}</legend>
      <div className="grid grid-cols-2 gap-1.5">
        {campaigns.map((campaign) => {
          const active = campaign.id === activeId;
          return (
            <label
              key={campaign.id}
              data-active={active}
              className={`relative flex min-h-11 min-w-0 cursor-pointer flex-col justify-center rounded-lg px-2 py-1 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-white ${
                active ? "bg-white text-brand" : "bg-brand-dark text-white"
              }`}
            >
              <input
                type="radio"
                name="campaign"
                // Over the whole tab, unseen: a tap anywhere on it is a tap on the radio itself.
                className="absolute inset-0 h-full w-full cursor-pointer appearance-none opacity-0"
                checked={active}
                onChange={() => onChoose(campaign.id)}
              />
              <span className="truncate text-sm font-semibold leading-tight">{campaign.name}</span>
              {progress.has(campaign.id) && (
                <span className={`text-xs ${active ? "text-gray-800" : "text-white"}`}>
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
