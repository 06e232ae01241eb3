"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import {
  type CodeTable,
  codeLabel,
  HAZARD_LEVEL,
  HOUSEHOLD_KIND,
  HUKOU_CATEGORY,
  INDUSTRY,
  LEFT_BEHIND,
  PERSON_TYPE,
  RENTAL_USE,
  SEX,
  UNIT_KIND,
  UNIT_STATUS,
} from "@/domain/codes";
import type { MessageKey } from "@/domain/i18n";
import {
  TARGET_SUBJECTS,
  type TargetPreview,
  type TargetQueryValues,
  type TargetSubject,
} from "@/domain/targets";
import { useI18n } from "../../../_components/i18n";
import { useTRPC } from "../../../_components/trpc";
import { INPUT_CLASS, TargetCells, TargetHeadCells, TD_CLASS, TH_CLASS } from "./ui";

/**
 * The register query of a targeted campaign as a form: one control a condition, every one "any" when
 * left alone (no query language). The values are kept as the inputs hold them and turned into the
 * query the server validates (domain/targets.ts) with `toQuery`.
 */

export type QueryForm = { subject: TargetSubject } & Record<string, string>;

type Control =
  | { kind: "code"; name: string; label: MessageKey; table: CodeTable }
  | { kind: "yesNo"; name: string; label: MessageKey }
  | { kind: "number"; name: string; label: MessageKey; max: number }
  | { kind: "date"; name: string; label: MessageKey; hint?: MessageKey };

const CONTROLS: Record<TargetSubject, Control[]> = {
  person: [
    { kind: "number", name: "ageMin", label: "targets.ageMin", max: 150 },
    { kind: "number", name: "ageMax", label: "targets.ageMax", max: 150 },
    { kind: "date", name: "ageAt", label: "targets.ageAt", hint: "targets.ageAtHint" },
    { kind: "code", name: "sex", label: "targets.sex", table: SEX },
    { kind: "code", name: "personType", label: "targets.personType", table: PERSON_TYPE },
    { kind: "code", name: "hukouCategory", label: "targets.hukouCategory", table: HUKOU_CATEGORY },
    { kind: "yesNo", name: "disability", label: "targets.disability" },
    { kind: "yesNo", name: "lowIncome", label: "targets.lowIncome" },
    { kind: "yesNo", name: "unemployed", label: "targets.unemployed" },
    { kind: "code", name: "leftBehind", label: "targets.leftBehind", table: LEFT_BEHIND },
    { kind: "date", name: "arrivalFrom", label: "targets.arrivalFrom" },
    { kind: "date", name: "arrivalTo", label: "targets.arrivalTo" },
  ],
  household: [
    { kind: "code", name: "kind", label: "targets.householdKind", table: HOUSEHOLD_KIND },
    { kind: "yesNo", name: "lowIncome", label: "targets.lowIncome" },
    { kind: "yesNo", name: "fiveGuarantee", label: "targets.fiveGuarantee" },
    { kind: "number", name: "sizeMin", label: "targets.sizeMin", max: 99 },
    { kind: "number", name: "sizeMax", label: "targets.sizeMax", max: 99 },
  ],
  rental: [
    { kind: "code", name: "use", label: "targets.rentalUse", table: RENTAL_USE },
    { kind: "yesNo", name: "overOccupied", label: "targets.overOccupied" },
    { kind: "code", name: "hazardLevel", label: "targets.hazardLevel", table: HAZARD_LEVEL },
  ],
  unit: [
    { kind: "code", name: "industry", label: "targets.industry", table: INDUSTRY },
    { kind: "code", name: "status", label: "targets.unitStatus", table: UNIT_STATUS },
    { kind: "code", name: "kind", label: "targets.unitKind", table: UNIT_KIND },
  ],
};

/** The query the server checks, from what the inputs hold: an empty input is no condition. */
export function toQuery(form: QueryForm): TargetQueryValues {
  const out: Record<string, unknown> = { subject: form.subject };
  for (const control of CONTROLS[form.subject]) {
    const value = (form[control.name] ?? "").trim();
    if (value === "") continue;
    if (control.kind === "code") out[control.name] = [value];
    else if (control.kind === "yesNo") out[control.name] = value === "yes";
    else if (control.kind === "number") out[control.name] = Number(value);
    else out[control.name] = value;
  }
  return out as TargetQueryValues;
}

/** The controls of the chosen subject. */
export function TargetQueryFields({
  value,
  onChange,
  errors,
}: {
  value: QueryForm;
  onChange: (next: QueryForm) => void;
  errors: Record<string, string>;
}) {
  const { t, locale } = useI18n();
  const ids = useId();
  const set = (name: string, next: string) => onChange({ ...value, [name]: next });
  return (
    <div className="flex flex-col gap-3" data-testid="target-query">
      <div className="flex flex-col gap-1">
        <label htmlFor={`${ids}-subject`} className="font-semibold">
          {t("targets.subject")}
        </label>
        <select
          id={`${ids}-subject`}
          value={value.subject}
          onChange={(event) => onChange({ subject: event.target.value as TargetSubject })}
          className={INPUT_CLASS}
        >
          {TARGET_SUBJECTS.map((subject) => (
            <option key={subject} value={subject}>
              {t(`targets.subject.${subject}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="grid gap-3 sm:grid-cols-3">
        {CONTROLS[value.subject].map((control) => {
          const id = `${ids}-${control.name}`;
          const error = errors[control.name];
          const current = value[control.name] ?? "";
          return (
            <div key={control.name} className="flex flex-col gap-1">
              <label htmlFor={id} className="text-sm font-semibold">
                {t(control.label)}
              </label>
              {control.kind === "code" || control.kind === "yesNo" ? (
                <select
                  id={id}
                  value={current}
                  onChange={(e) => set(control.name, e.target.value)}
                  className={INPUT_CLASS}
                >
                  <option value="">{t("targets.any")}</option>
                  {control.kind === "yesNo" ? (
                    <>
                      <option value="yes">{t("targets.yes")}</option>
                      <option value="no">{t("targets.no")}</option>
                    </>
                  ) : (
                    control.table.map((entry) => (
                      <option key={entry.code} value={entry.code}>
                        {codeLabel(control.table, entry.code, locale)}
                      </option>
                    ))
                  )}
                </select>
              ) : (
                <input
                  id={id}
                  type={control.kind === "number" ? "number" : "date"}
                  inputMode={control.kind === "number" ? "numeric" : undefined}
                  min={control.kind === "number" ? 0 : undefined}
                  max={control.kind === "number" ? control.max : undefined}
                  value={current}
                  onChange={(e) => set(control.name, e.target.value)}
                  aria-invalid={!!error}
                  aria-describedby={
                    error ? `${id}-error` : control.kind === "date" && control.hint ? `${id}-hint` : undefined
                  }
                  className={INPUT_CLASS}
                />
              )}
              {control.kind === "date" && control.hint && (
                <p id={`${id}-hint`} className="text-xs text-gray-700">
                  {t(control.hint)}
                </p>
              )}
              {error && (
                <p id={`${id}-error`} className="text-sm font-medium text-red-800">
                  {error}
                </p>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** A preview's total, its counts per community and grid, and its masked sample. */
export function TargetPreviewView({ preview }: { preview: TargetPreview }) {
  const { t } = useI18n();
  return (
    <section
      className="flex flex-col gap-3 rounded-lg border border-gray-300 p-3"
      data-testid="target-preview"
    >
      <p className="text-lg font-bold" data-testid="target-total">
        {t("targets.total", { count: preview.total })}
      </p>
      {preview.total === 0 ? (
        <p className="text-gray-700">{t("targets.none")}</p>
      ) : (
        <>
          <div className="grid gap-3 lg:grid-cols-2">
            <table className="text-sm">
              <caption className="text-left font-semibold">{t("targets.byCommunity")}</caption>
              <thead>
                <tr>
                  <th className={TH_CLASS}>{t("targets.col.community")}</th>
                  <th className={`${TH_CLASS} text-right`}>{t("targets.col.count")}</th>
                </tr>
              </thead>
              <tbody>
                {preview.communities.map((row) => (
                  <tr key={row.communityId}>
                    <td className={TD_CLASS}>{row.communityName}</td>
                    <td className={`${TD_CLASS} text-right tabular-nums`}>{row.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="text-sm" data-testid="target-grids">
              <caption className="text-left font-semibold">{t("targets.byGrid")}</caption>
              <thead>
                <tr>
                  <th className={TH_CLASS}>{t("targets.col.grid")}</th>
                  <th className={`${TH_CLASS} text-right`}>{t("targets.col.count")}</th>
                </tr>
              </thead>
              <tbody>
                {preview.grids.map((row) => (
                  <tr key={row.gridId} data-grid={row.gridId}>
                    <td className={TD_CLASS}>
                      {row.communityName} · {row.gridName}
                    </td>
                    <td className={`${TD_CLASS} text-right tabular-nums`}>{row.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <table className="text-sm" data-testid="target-sample">
            <caption className="text-left font-semibold">{t("targets.sample")}</caption>
            <thead>
              <tr>
                <TargetHeadCells detail />
              </tr>
            </thead>
            <tbody>
              {preview.sample.map((row, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: masked rows have no id to show
                <tr key={index}>
                  <TargetCells target={row} detail />
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** A targeted campaign's re-run: its preview (what would be added, withdrawn), then the run. */
export function TargetRerunPanel({ campaignId, canRun }: { campaignId: string; canRun: boolean }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [asked, setAsked] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const preview = useQuery({ ...trpc.campaign.previewRerun.queryOptions({ campaignId }), enabled: asked });
  const run = useMutation(
    trpc.campaign.rerunTargets.mutationOptions({
      onSuccess: async (result) => {
        setDone(t("targets.rerunDone", result));
        setAsked(false);
        await queryClient.invalidateQueries({ queryKey: trpc.campaign.get.queryKey({ id: campaignId }) });
        queryClient.removeQueries({ queryKey: trpc.campaign.previewRerun.queryKey({ campaignId }) });
      },
    }),
  );
  if (!canRun) return null;
  return (
    <div className="flex flex-col gap-2" data-testid="target-rerun">
      {done && (
        <p role="status" className="text-base text-gray-900">
          {done}
        </p>
      )}
      {!asked ? (
        <button
          type="button"
          onClick={() => {
            setDone(null);
            setAsked(true);
          }}
          className="min-h-11 self-start rounded-lg border border-brand bg-white px-4 font-medium text-brand hover:bg-gray-50"
        >
          {t("targets.rerunPreview")}
        </button>
      ) : preview.isPending ? (
        <p aria-live="polite">{t("targets.previewing")}</p>
      ) : preview.error ? (
        <p role="alert" className="text-red-900">
          {preview.error.message}
        </p>
      ) : (
        <>
          <p className="text-base">{t("targets.rerunHeld", { count: preview.data.held })}</p>
          <p className="text-base font-semibold" data-testid="rerun-adds">
            {t("targets.rerunAdds", { count: preview.data.total })}
          </p>
          <p className="text-base">{t("targets.rerunWithdraws", { count: preview.data.withdrawn })}</p>
          {preview.data.total > 0 && <TargetPreviewView preview={preview.data} />}
          {run.error && (
            <p role="alert" className="text-red-900">
              {run.error.message}
            </p>
          )}
          <button
            type="button"
            disabled={run.isPending}
            onClick={() => run.mutate({ campaignId })}
            className="min-h-11 self-start rounded-lg bg-brand px-5 font-medium text-white hover:bg-brand-dark disabled:opacity-60"
          >
            {t("targets.rerunConfirm")}
          </button>
        </>
      )}
    </div>
  );
}
