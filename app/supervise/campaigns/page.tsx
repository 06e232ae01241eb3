"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { CampaignSummary } from "@/domain/campaign";
import { ErrorPanel } from "../../_components/controls";
import { useI18n } from "../../_components/i18n";
import { useTRPC } from "../../_components/trpc";
import { CampaignForm } from "./_parts/campaign-form";
import { CampaignView } from "./_parts/campaign-view";
import { CampaignFacts, CampaignStatusChip } from "./_parts/ui";

/**
 * Campaigns (核查任务) for supervisors and administrators: the list cut to the caller's area, a new
 * campaign (administrators), and one campaign's grids with the officer of each.
 */
export default function CampaignsPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useQuery(trpc.campaign.list.queryOptions());

  if (selected) {
    return (
      <CampaignView
        id={selected}
        notice={notice}
        onBack={() => {
          setSelected(null);
          setNotice(null);
        }}
      />
    );
  }
  if (list.isPending) {
    return (
      <p className="p-6 text-center text-gray-600" aria-live="polite">
        {t("campaign.loading")}
      </p>
    );
  }
  if (list.error) return <ErrorPanel message={list.error.message} onRetry={() => list.refetch()} />;
  const { campaigns, areaOptions, canCreate } = list.data;

  return (
    <div className="flex min-w-0 flex-col gap-3">
      <div className="flex flex-wrap items-end gap-x-3 gap-y-2">
        <div className="min-w-[14rem] flex-1">
          <h1 className="text-2xl font-bold">{t("campaign.heading")}</h1>
          <p className="text-sm text-gray-700">{t("campaign.intro")}</p>
        </div>
        {canCreate && !creating && (
          <button
            type="button"
            onClick={() => setCreating(true)}
            className="min-h-11 rounded-lg bg-brand px-4 font-medium text-white hover:bg-brand-dark"
          >
            {t("campaign.new")}
          </button>
        )}
      </div>

      {creating && (
        <CampaignForm
          areaOptions={areaOptions}
          onCancel={() => setCreating(false)}
          onCreated={async (created, name) => {
            await queryClient.invalidateQueries({ queryKey: trpc.campaign.list.queryKey() });
            setCreating(false);
            setNotice(t("campaign.form.created", { name, codes: created.codes }));
            setSelected(created.id);
          }}
        />
      )}

      {campaigns.length === 0 ? (
        <p className="rounded-xl bg-white p-6 text-center text-gray-700 shadow-sm">
          {canCreate ? t("campaign.emptyAdmin") : t("campaign.empty")}
        </p>
      ) : (
        <ul className="flex flex-col gap-3" aria-label={t("campaign.heading")}>
          {campaigns.map((campaign) => (
            <CampaignCard key={campaign.id} campaign={campaign} onOpen={() => setSelected(campaign.id)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function CampaignCard({ campaign, onOpen }: { campaign: CampaignSummary; onOpen: () => void }) {
  const { t } = useI18n();
  const unstaffed = campaign.grids - campaign.assignedGrids;
  return (
    <li className="flex flex-col gap-2 rounded-xl bg-white p-4 shadow-sm" data-testid="campaign-card">
      <div className="flex flex-wrap items-start gap-2">
        <h2 className="min-w-0 flex-1 text-lg font-bold text-gray-900">{campaign.name}</h2>
        <CampaignStatusChip status={campaign.status} />
      </div>
      <CampaignFacts campaign={campaign} />
      {campaign.status !== "closed" && unstaffed > 0 && (
        <p className="text-sm font-medium text-amber-800">{t("campaign.unstaffed", { count: unstaffed })}</p>
      )}
      <button
        type="button"
        onClick={onOpen}
        className="min-h-11 self-start rounded-lg border border-brand bg-white px-4 font-medium text-brand hover:bg-gray-50"
      >
        {t("campaign.manage")}
      </button>
    </li>
  );
}
