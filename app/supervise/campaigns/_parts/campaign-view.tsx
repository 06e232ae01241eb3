"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { CampaignDetail, CampaignGrid } from "@/domain/campaign";
import { chinaDay } from "@/domain/progress";
import { ErrorPanel } from "../../../_components/controls";
import { useI18n } from "../../../_components/i18n";
import { useTRPC } from "../../../_components/trpc";
import { QuestionnairePanel } from "./questionnaire-panel";
import { TargetFilePanel } from "./target-file-panel";
import { TargetMovePanel } from "./target-move";
import { TargetRerunPanel } from "./target-query";
import { CampaignFacts, CampaignStatusChip } from "./ui";

/**
 * One campaign: its grids under the caller's area, each with a select of the officers it may be given
 * to, the grid's own first (choosing another reassigns at once; one officer may hold several grids),
 * and closing it behind a confirmation.
 */
export function CampaignView({
  id,
  notice,
  onBack,
}: {
  id: string;
  notice: string | null;
  onBack: () => void;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.campaign.get.queryOptions({ id }));
  const [said, setSaid] = useState<string | null>(notice);
  const [confirming, setConfirming] = useState(false);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.campaign.get.queryKey({ id }) }),
      queryClient.invalidateQueries({ queryKey: trpc.campaign.list.queryKey() }),
    ]);
  const [autoChoice, setAutoChoice] = useState<boolean | null>(null);
  const autoApprove = useMutation(
    trpc.campaign.setAutoApprove.mutationOptions({
      onSuccess: async (_, input) => {
        setSaid(t(input.autoApprove ? "campaign.autoApprove.on" : "campaign.autoApprove.off"));
        await refresh();
      },
    }),
  );
  const close = useMutation(
    trpc.campaign.close.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        setSaid(t("campaign.close.done", { name: query.data?.name ?? "" }));
        await refresh();
      },
    }),
  );

  const back = (
    <button
      type="button"
      onClick={onBack}
      className="min-h-11 self-start rounded-lg border border-gray-400 bg-white px-4 font-medium hover:bg-gray-50"
    >
      ← {t("campaign.back")}
    </button>
  );
  if (query.isPending) {
    return (
      <div className="flex flex-col gap-3">
        {back}
        <p className="p-6 text-center text-gray-600" aria-live="polite">
          {t("campaign.loading")}
        </p>
      </div>
    );
  }
  if (query.error) {
    return (
      <div className="flex flex-col gap-3">
        {back}
        <ErrorPanel message={query.error.message} onRetry={() => query.refetch()} />
      </div>
    );
  }
  const campaign = query.data;
  const officerName = new Map(campaign.officerList.map((o) => [o.id, o]));

  return (
    <div className="flex min-w-0 flex-col gap-3">
      {back}
      <section
        className="flex flex-col gap-2 rounded-xl bg-white p-4 shadow-sm"
        aria-labelledby="campaign-name"
      >
        <div className="flex flex-wrap items-start gap-2">
          <h1 id="campaign-name" className="min-w-0 flex-1 text-2xl font-bold">
            {campaign.name}
          </h1>
          <CampaignStatusChip status={campaign.status} />
        </div>
        <CampaignFacts campaign={campaign} />
        <p className="text-base font-medium text-gray-900" data-testid="campaign-targets">
          {campaign.targetKind === "query"
            ? t("targets.summary", { count: campaign.targets })
            : campaign.targetKind === "file"
              ? t("targets.fileSummary", { count: campaign.targets })
              : t("targets.everyDoor")}
        </p>
        {campaign.targetKind === "file" && (
          <TargetFilePanel
            campaignId={id}
            canUpload={campaign.canClose && campaign.status !== "closed"}
            onUploaded={() => query.refetch()}
          />
        )}
        {campaign.targetKind === "query" && (
          // Whoever may close the campaign may re-run its query: an administrator over all its areas.
          <TargetRerunPanel campaignId={id} canRun={campaign.canClose} />
        )}
        {campaign.canClose && campaign.status !== "closed" ? (
          <label className="flex items-start gap-3 text-base">
            <input
              type="checkbox"
              className="mt-1 h-5 w-5 shrink-0"
              // The choice shows at once; refused, the campaign's own setting shows again.
              checked={autoChoice ?? campaign.autoApprove}
              onChange={(event) => {
                const chosen = event.target.checked;
                setAutoChoice(chosen);
                autoApprove.mutate({ id, autoApprove: chosen }, { onError: () => setAutoChoice(null) });
              }}
              data-testid="auto-approve"
            />
            <span>
              <span className="font-semibold">{t("campaign.autoApprove")}</span>
              <span className="block text-sm text-gray-700">{t("campaign.autoApprove.hint")}</span>
            </span>
          </label>
        ) : (
          campaign.autoApprove && <p className="text-sm text-gray-700">{t("campaign.autoApprove.on")}</p>
        )}
        {autoApprove.error && (
          <p role="alert" className="text-sm font-medium text-red-900">
            {autoApprove.error.message}
          </p>
        )}
        {campaign.closedAt && (
          <p className="text-sm text-gray-700">
            {t("campaign.closedAt", { date: chinaDay(new Date(campaign.closedAt)) })}
          </p>
        )}
        <p aria-live="polite" className="text-base font-medium text-green-900" data-testid="campaign-notice">
          {said ?? ""}
        </p>
        {campaign.canClose && !confirming && (
          <button
            type="button"
            onClick={() => setConfirming(true)}
            className="min-h-11 self-start rounded-lg border border-red-700 bg-white px-4 font-medium text-red-800 hover:bg-red-50"
          >
            {t("campaign.close")}
          </button>
        )}
        {confirming && (
          <div
            role="alertdialog"
            aria-labelledby="close-confirm"
            className="rounded-lg border border-red-300 bg-red-50 p-3"
          >
            <p id="close-confirm" className="mb-3 text-base text-red-950">
              {t("campaign.close.confirm", { name: campaign.name })}
            </p>
            {close.error && (
              <p role="alert" className="mb-2 text-sm font-medium text-red-900">
                {close.error.message}
              </p>
            )}
            <div className="flex flex-wrap gap-2">
              <button
                type="button"
                disabled={close.isPending}
                onClick={() => close.mutate({ id })}
                className="min-h-11 rounded-lg bg-red-800 px-4 font-medium text-white hover:bg-red-900 disabled:opacity-60"
              >
                {t("campaign.close.yes")}
              </button>
              <button
                type="button"
                onClick={() => setConfirming(false)}
                className="min-h-11 rounded-lg border border-gray-400 bg-white px-4 font-medium hover:bg-gray-50"
              >
                {t("campaign.close.no")}
              </button>
            </div>
          </div>
        )}
      </section>

      {campaign.targetKind !== "every_door" && campaign.status === "open" && (
        <TargetMovePanel campaignId={id} officerList={campaign.officerList} onMoved={refresh} />
      )}

      {/* Who may close the campaign may change what it asks: an administrator over all of it. */}
      <QuestionnairePanel campaignId={id} canManage={campaign.canClose} />

      <section
        className="flex flex-col gap-2 rounded-xl bg-white p-4 shadow-sm"
        aria-labelledby="campaign-grids"
      >
        <h2 id="campaign-grids" className="text-xl font-bold">
          {t("campaign.grids.heading")}
        </h2>
        <p className="text-sm text-gray-700">
          {campaign.status === "closed" ? t("campaign.closedNote") : t("campaign.grids.hint")}
        </p>
        {campaign.gridList.length === 0 ? (
          <p className="p-4 text-center text-gray-700">{t("campaign.grids.empty")}</p>
        ) : (
          <ul className="flex flex-col divide-y divide-gray-200">
            {campaign.gridList.map((grid) => (
              <GridRow
                key={grid.id}
                campaign={campaign}
                grid={grid}
                officerName={officerName}
                onSaved={async (message) => {
                  setSaid(message);
                  await refresh();
                }}
              />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function GridRow({
  campaign,
  grid,
  officerName,
  onSaved,
}: {
  campaign: CampaignDetail;
  grid: CampaignGrid;
  officerName: Map<string, { displayName: string; username: string; areaName: string }>;
  onSaved: (message: string) => Promise<void>;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const assign = useMutation(trpc.campaign.assign.mutationOptions());
  const unassign = useMutation(trpc.campaign.unassign.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const pending = assign.isPending || unassign.isPending;
  // The grid's own officers first, then every other officer the caller may give it to.
  const home = new Set(grid.homeOfficerIds);
  const holder = grid.officer && !home.has(grid.officer.id) ? [grid.officer.id] : [];
  const others = campaign.officerList
    .filter((officer) => officer.eligible && !home.has(officer.id) && officer.id !== grid.officer?.id)
    .map((officer) => officer.id);
  const options = [...holder, ...grid.homeOfficerIds, ...others];
  const gridLabel = `${grid.communityName} · ${grid.name}`;
  const selectId = `grid-${grid.id}`;

  const option = (officerId: string) => {
    const officer = officerName.get(officerId);
    return (
      <option key={officerId} value={officerId}>
        {t("campaign.officerOption", {
          name: officer?.displayName ?? "",
          username: officer?.username ?? "",
          area: officer?.areaName ?? "",
        })}
      </option>
    );
  };

  const change = async (officerId: string) => {
    setError(null);
    try {
      if (officerId) {
        await assign.mutateAsync({ campaignId: campaign.id, gridId: grid.id, officerId });
        const officer = officerName.get(officerId);
        await onSaved(t("campaign.grid.saved", { grid: gridLabel, officer: officer?.displayName ?? "" }));
      } else {
        await unassign.mutateAsync({ campaignId: campaign.id, gridId: grid.id });
        await onSaved(t("campaign.grid.cleared", { grid: gridLabel }));
      }
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <li className="flex flex-col gap-1 py-3" data-testid="campaign-grid">
      <label htmlFor={selectId} className="flex flex-col">
        <span className="text-base font-semibold text-gray-900">{gridLabel}</span>
        <span className="text-sm text-gray-600">{grid.code}</span>
        <span className="sr-only">{t("campaign.grid.officerFor", { grid: gridLabel })}</span>
      </label>
      <select
        id={selectId}
        value={grid.officer?.id ?? ""}
        disabled={pending || campaign.status === "closed" || options.length === 0}
        onChange={(event) => change(event.target.value)}
        aria-describedby={error ? `${selectId}-error` : undefined}
        className={`min-h-11 w-full rounded-lg border bg-white px-2 text-base disabled:bg-gray-100 ${
          grid.officer ? "border-gray-400 text-gray-900" : "border-amber-600 text-amber-900"
        }`}
      >
        <option value="">
          {options.length === 0 ? t("campaign.grid.noEligible") : t("campaign.grid.none")}
        </option>
        {holder.map(option)}
        {grid.homeOfficerIds.length > 0 && (
          <optgroup label={t("campaign.grid.homeOfficers")}>{grid.homeOfficerIds.map(option)}</optgroup>
        )}
        {others.length > 0 && (
          <optgroup label={t("campaign.grid.otherOfficers")}>{others.map(option)}</optgroup>
        )}
      </select>
      {pending && (
        <p className="text-sm text-gray-700" aria-live="polite">
          {t("campaign.grid.saving")}
        </p>
      )}
      {error && (
        <p id={`${selectId}-error`} role="alert" className="text-sm font-medium text-red-800">
          {error}
        </p>
      )}
    </li>
  );
}
