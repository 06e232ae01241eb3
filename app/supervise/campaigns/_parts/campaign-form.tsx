"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import {
  CAMPAIGN_NAME_MAX,
  type CampaignCreateInput,
  type CampaignCreateValues,
  campaignCreateInput,
} from "@/domain/campaign";
import { type TargetKind, type TargetPreview, targetQuery } from "@/domain/targets";
import { useI18n } from "../../../_components/i18n";
import { useTRPC } from "../../../_components/trpc";
import { type QueryForm, TargetPreviewView, TargetQueryFields, toQuery } from "./target-query";
import { FieldError, INPUT_CLASS } from "./ui";

interface AreaOption {
  id: string;
  name: string;
  level: string;
  parentId: string | null;
}

type Field = "name" | "startsOn" | "endsOn" | "areaIds";

/**
 * A new campaign: name, dates and the streets or communities it covers. Checked by the same schema as
 * the server's; a street covers its communities, so ticking one greys out theirs.
 */
export function CampaignForm({
  areaOptions,
  onCancel,
  onCreated,
}: {
  areaOptions: AreaOption[];
  onCancel: () => void;
  onCreated: (created: { id: string; codes: number; targets: number | null }, name: string) => void;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const ids = useId();
  const form = useForm<CampaignCreateValues, unknown, CampaignCreateInput>({
    resolver: zodResolver(campaignCreateInput),
    defaultValues: { name: "", startsOn: "", endsOn: "", areaIds: [], autoApprove: false },
    shouldFocusError: true,
  });
  const create = useMutation(trpc.campaign.create.mutationOptions());
  const queryClient = useQueryClient();
  // Whom to visit: every door, or a register query previewed before the campaign is made.
  const [targetKind, setTargetKind] = useState<TargetKind>("every_door");
  const [queryForm, setQueryForm] = useState<QueryForm>({ subject: "person" });
  const [queryErrors, setQueryErrors] = useState<Record<string, string>>({});
  const [previewed, setPreviewed] = useState<{ key: string; data: TargetPreview } | null>(null);
  const [previewProblem, setPreviewProblem] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const { errors, isSubmitted } = form.formState;
  const chosen = form.watch("areaIds") ?? [];

  const streets = areaOptions.filter((area) => area.level === "street");
  const communitiesOf = (streetId: string) => areaOptions.filter((area) => area.parentId === streetId);
  // Communities whose street is not offered (the caller is a community's administrator) stand alone.
  const orphans = areaOptions.filter(
    (area) => area.level === "community" && !streets.some((street) => street.id === area.parentId),
  );

  const toggle = (areaId: string, on: boolean, covers: string[] = []) => {
    const rest = chosen.filter((id) => id !== areaId && !covers.includes(id));
    form.setValue("areaIds", on ? [...rest, areaId] : rest, { shouldValidate: isSubmitted });
  };

  const messageOf = (field: Field) => {
    const message = errors[field]?.message;
    return message ? t(message, { max: CAMPAIGN_NAME_MAX }) : undefined;
  };
  const describedBy = (field: Field, hint?: string) =>
    [hint, errors[field] ? `${ids}-${field}-error` : null].filter(Boolean).join(" ") || undefined;

  /** The query the form holds, checked as the server checks it; null (errors shown) when it fails. */
  const checkedQuery = () => {
    const parsed = targetQuery.safeParse(toQuery(queryForm));
    if (parsed.success) {
      setQueryErrors({});
      return parsed.data;
    }
    const errs: Record<string, string> = {};
    for (const issue of parsed.error.issues) errs[String(issue.path[0])] ??= t(issue.message as never);
    setQueryErrors(errs);
    return null;
  };
  // What the preview was made for: creating needs a preview of exactly these areas and this query.
  const previewKey = () => JSON.stringify([[...chosen].sort(), toQuery(queryForm)]);
  const preview = async () => {
    setPreviewProblem(null);
    const query = checkedQuery();
    if (!query) return;
    if (chosen.length === 0) {
      await form.trigger("areaIds");
      return;
    }
    setPreviewing(true);
    try {
      const key = previewKey();
      const data = await queryClient.fetchQuery(
        trpc.campaign.previewTargets.queryOptions({ areaIds: chosen, query }, { staleTime: 0 }),
      );
      setPreviewed({ key, data });
    } catch (error) {
      setPreviewProblem((error as Error).message);
    } finally {
      setPreviewing(false);
    }
  };
  const previewFresh = !!previewed && previewed.key === previewKey();

  const submit = form.handleSubmit(async (values) => {
    let target: CampaignCreateInput["target"] = { kind: "every_door" };
    if (targetKind === "query") {
      const query = checkedQuery();
      if (!query) return;
      if (!previewFresh) {
        setPreviewProblem(t("targets.previewNeeded"));
        return;
      }
      target = { kind: "query", query };
    } else if (targetKind === "file") target = { kind: "file" };
    try {
      const created = await create.mutateAsync({ ...values, target });
      onCreated(created, values.name);
    } catch (error) {
      // The server's own words per field (already in the user's language), else the general one.
      const fieldErrors = (error as { data?: { fieldErrors?: Record<string, string> } }).data?.fieldErrors;
      for (const [path, message] of Object.entries(fieldErrors ?? {})) {
        const field = path.split(".")[0] as Field;
        if (["name", "startsOn", "endsOn", "areaIds"].includes(field))
          form.setError(field, { type: "server", message });
      }
    }
  });

  const checkbox = (area: AreaOption, label: string, covers: string[] = [], coveredBy?: string) => {
    const implied = !!coveredBy && chosen.includes(coveredBy);
    return (
      <label key={area.id} className="flex min-h-11 items-center gap-3 text-base text-gray-900">
        <input
          type="checkbox"
          checked={implied || chosen.includes(area.id)}
          disabled={implied}
          onChange={(event) => toggle(area.id, event.target.checked, covers)}
          className="size-5 shrink-0 accent-brand"
        />
        <span className={implied ? "text-gray-600" : ""}>{label}</span>
      </label>
    );
  };

  return (
    <form
      noValidate
      onSubmit={submit}
      aria-labelledby={`${ids}-heading`}
      className="flex flex-col gap-4 rounded-xl bg-white p-4 shadow-sm"
      data-testid="campaign-form"
    >
      <h2 id={`${ids}-heading`} className="text-xl font-bold">
        {t("campaign.form.heading")}
      </h2>

      <div className="flex flex-col gap-1">
        <label htmlFor={`${ids}-name`} className="font-semibold">
          {t("campaign.form.name")}
        </label>
        <input
          id={`${ids}-name`}
          {...form.register("name")}
          placeholder={t("campaign.form.namePlaceholder")}
          maxLength={CAMPAIGN_NAME_MAX + 10}
          aria-invalid={!!errors.name}
          aria-describedby={describedBy("name")}
          className={INPUT_CLASS}
        />
        <FieldError id={`${ids}-name-error`} message={messageOf("name")} />
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-1">
          <label htmlFor={`${ids}-startsOn`} className="font-semibold">
            {t("campaign.form.startsOn")}
          </label>
          <input
            id={`${ids}-startsOn`}
            type="date"
            {...form.register("startsOn")}
            aria-invalid={!!errors.startsOn}
            aria-describedby={describedBy("startsOn")}
            className={INPUT_CLASS}
          />
          <FieldError id={`${ids}-startsOn-error`} message={messageOf("startsOn")} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${ids}-endsOn`} className="font-semibold">
            {t("campaign.form.endsOn")}
          </label>
          <input
            id={`${ids}-endsOn`}
            type="date"
            {...form.register("endsOn")}
            aria-invalid={!!errors.endsOn}
            aria-describedby={describedBy("endsOn")}
            className={INPUT_CLASS}
          />
          <FieldError id={`${ids}-endsOn-error`} message={messageOf("endsOn")} />
        </div>
      </div>

      <label className="flex items-start gap-3 text-base">
        <input
          type="checkbox"
          className="mt-1 h-5 w-5 shrink-0"
          {...form.register("autoApprove")}
          aria-describedby={`${ids}-auto-hint`}
        />
        <span>
          <span className="font-semibold">{t("campaign.autoApprove")}</span>
          <span id={`${ids}-auto-hint`} className="block text-sm text-gray-700">
            {t("campaign.autoApprove.hint")}
          </span>
        </span>
      </label>

      <fieldset
        className="flex flex-col gap-1"
        aria-describedby={describedBy("areaIds", `${ids}-areas-hint`)}
      >
        <legend className="font-semibold">{t("campaign.form.areas")}</legend>
        <p id={`${ids}-areas-hint`} className="text-sm text-gray-700">
          {t("campaign.form.areasHint")}
        </p>
        <FieldError id={`${ids}-areaIds-error`} message={messageOf("areaIds")} />
        <div className="flex max-h-80 flex-col overflow-y-auto rounded-lg border border-gray-300 px-3 py-1">
          {streets.map((street) => {
            const communities = communitiesOf(street.id);
            return (
              <div key={street.id} className="flex flex-col">
                {checkbox(
                  street,
                  t("campaign.form.wholeStreet", { name: street.name }),
                  communities.map((c) => c.id),
                )}
                <div className="flex flex-col border-l-2 border-gray-200 pl-4">
                  {communities.map((community) => checkbox(community, community.name, [], street.id))}
                </div>
              </div>
            );
          })}
          {orphans.map((community) => checkbox(community, community.name))}
        </div>
      </fieldset>

      <fieldset className="flex flex-col gap-2" data-testid="target-kind">
        <legend className="font-semibold">{t("targets.heading")}</legend>
        {(["every_door", "query", "file"] as const).map((kind) => (
          <label key={kind} className="flex min-h-11 items-center gap-3 text-base">
            <input
              type="radio"
              name={`${ids}-target`}
              value={kind}
              checked={targetKind === kind}
              onChange={() => setTargetKind(kind)}
              className="size-5 accent-brand"
            />
            {t(`targets.kind.${kind}`)}
          </label>
        ))}
        {targetKind === "query" && (
          <div className="flex flex-col gap-3 rounded-lg border border-gray-300 p-3">
            <TargetQueryFields value={queryForm} onChange={setQueryForm} errors={queryErrors} />
            <button
              type="button"
              onClick={() => void preview()}
              disabled={previewing}
              className="min-h-11 self-start rounded-lg border border-brand bg-white px-4 font-medium text-brand hover:bg-gray-50 disabled:opacity-60"
            >
              {previewing ? t("targets.previewing") : t("targets.preview")}
            </button>
            {previewProblem && (
              <p role="alert" className="rounded-lg border border-red-300 bg-red-50 p-3 text-red-900">
                {previewProblem}
              </p>
            )}
            {previewed && !previewFresh && (
              <p className="text-base font-medium text-amber-900">{t("targets.previewStale")}</p>
            )}
            {previewed && <TargetPreviewView preview={previewed.data} />}
          </div>
        )}
      </fieldset>

      {create.error && Object.keys(create.error.data?.fieldErrors ?? {}).length === 0 && (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 p-3 text-red-900">
          {create.error.message}
        </p>
      )}

      <div className="flex flex-wrap gap-2">
        <button
          type="submit"
          disabled={create.isPending}
          className="min-h-11 rounded-lg bg-brand px-5 font-medium text-white hover:bg-brand-dark disabled:opacity-60"
        >
          {create.isPending ? t("campaign.form.submitting") : t("campaign.form.submit")}
        </button>
        <button
          type="button"
          onClick={onCancel}
          className="min-h-11 rounded-lg border border-gray-400 bg-white px-5 font-medium hover:bg-gray-50"
        >
          {t("campaign.form.cancel")}
        </button>
      </div>
    </form>
  );
}
