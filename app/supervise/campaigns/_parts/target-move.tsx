"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { CampaignOfficer } from "@/domain/campaign";
import { useI18n } from "../../../_components/i18n";
import { useTRPC } from "../../../_components/trpc";
import { TargetCells, TargetHeadCells, TD_CLASS, TH_CLASS } from "./ui";

/**
 * Cover (issue 17): move an officer's targets to a colleague, or back. Pick the officer the targets
 * are with, tick the targets (or all of them), pick the receiving officer: one action on the server
 * (campaign.moveTargets), which the phones follow at their next sync.
 */
export function TargetMovePanel({
  campaignId,
  officerList,
  onMoved,
}: {
  campaignId: string;
  officerList: CampaignOfficer[];
  onMoved: () => Promise<unknown>;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = useId();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [all, setAll] = useState(false);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [done, setDone] = useState<string | null>(null);
  const holders = useQuery({
    ...trpc.campaign.targetHolders.queryOptions({ campaignId, ...(from ? { officerId: from } : {}) }),
    // The officers stay listed while another's targets load.
    placeholderData: (previous) => previous,
  });
  const move = useMutation(
    trpc.campaign.moveTargets.mutationOptions({
      onSuccess: async (result) => {
        const name = officerList.find((o) => o.id === to)?.displayName ?? "";
        setDone(
          result.moved > 0
            ? t("targetMove.done", { count: result.moved, name })
            : t("targetMove.nothing", { name }),
        );
        setPicked(new Set());
        setAll(false);
        await queryClient.invalidateQueries({ queryKey: trpc.campaign.targetHolders.queryKey() });
        await onMoved();
      },
    }),
  );

  const officers = holders.data?.officers ?? [];
  const chosen = officers.find((o) => o.id === from);
  const targets = from ? (holders.data?.targets ?? []) : [];
  const receivers = officerList.filter(
    (o) => o.id !== from && (o.eligible || officers.some((h) => h.id === o.id)),
  );
  const count = all ? (chosen?.open ?? 0) : picked.size;
  const toggle = (id: string) =>
    setPicked((held) => {
      const next = new Set(held);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const select = "min-h-11 rounded-lg border border-gray-400 bg-white px-3 text-base";

  return (
    <section
      className="flex flex-col gap-3 rounded-xl bg-white p-4 shadow-sm"
      aria-labelledby={`${ids}-heading`}
      data-testid="target-move"
    >
      <h2 id={`${ids}-heading`} className="text-xl font-bold">
        {t("targetMove.heading")}
      </h2>
      <p className="text-sm text-gray-700">{t("targetMove.hint")}</p>
      {done && (
        <p role="status" className="text-base font-medium text-green-900" data-testid="target-move-done">
          {done}
        </p>
      )}
      {holders.error && (
        <p role="alert" className="text-red-900">
          {holders.error.message}
        </p>
      )}
      {holders.data && officers.length === 0 ? (
        <p className="text-gray-700">{t("targetMove.none")}</p>
      ) : (
        <div className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col gap-1 text-sm font-medium">
            {t("targetMove.from")}
            <select
              className={select}
              value={from}
              data-testid="target-move-from"
              onChange={(event) => {
                setFrom(event.target.value);
                // Nobody receives their own targets: the receiving officer is chosen again.
                if (event.target.value === to) setTo("");
                setPicked(new Set());
                setAll(false);
                setDone(null);
              }}
            >
              <option value="">{t("targetMove.choose")}</option>
              {officers.map((o) => (
                <option key={o.id} value={o.id}>
                  {t("targetMove.fromOption", { name: o.displayName, username: o.username, count: o.open })}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            {t("targetMove.to")}
            <select
              className={select}
              value={to}
              data-testid="target-move-to"
              onChange={(event) => setTo(event.target.value)}
            >
              <option value="">{t("targetMove.choose")}</option>
              {receivers.map((o) => (
                <option key={o.id} value={o.id}>
                  {t("campaign.officerOption", {
                    name: o.displayName,
                    username: o.username,
                    area: o.areaName,
                  })}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            disabled={!from || !to || count === 0 || move.isPending}
            onClick={() =>
              move.mutate(
                all
                  ? { campaignId, fromOfficerId: from, toOfficerId: to }
                  : { campaignId, targetIds: [...picked], toOfficerId: to },
              )
            }
            className="min-h-11 rounded-lg bg-brand px-5 font-medium text-white hover:bg-brand-dark disabled:opacity-60"
            data-testid="target-move-submit"
          >
            {t("targetMove.submit")}
            {count > 0 ? ` · ${t("targetMove.selected", { count })}` : ""}
          </button>
        </div>
      )}
      {move.error && (
        <p role="alert" className="text-red-900">
          {move.error.message}
        </p>
      )}
      {chosen && (
        <>
          <label className="flex items-center gap-3 text-base font-semibold">
            <input
              type="checkbox"
              className="h-5 w-5"
              checked={all}
              onChange={(event) => setAll(event.target.checked)}
              data-testid="target-move-all"
            />
            {t("targetMove.all", { count: chosen.open })}
          </label>
          {holders.data?.more && (
            <p className="text-sm text-gray-700">{t("targetMove.more", { count: targets.length })}</p>
          )}
          <div className="max-h-96 overflow-auto">
            <table className="w-full border-collapse text-sm">
              <thead className="sticky top-0 bg-white">
                <tr>
                  <th className={TH_CLASS}>{t("targetMove.col.pick")}</th>
                  <TargetHeadCells />
                </tr>
              </thead>
              <tbody>
                {targets.map((target) => (
                  <tr key={target.id}>
                    <td className={TD_CLASS}>
                      <input
                        type="checkbox"
                        className="h-5 w-5"
                        aria-label={`${target.label} ${target.address} ${target.roomNo}`}
                        disabled={all}
                        checked={all || picked.has(target.id)}
                        onChange={() => toggle(target.id)}
                        data-testid="target-move-pick"
                      />
                    </td>
                    <TargetCells target={target} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
