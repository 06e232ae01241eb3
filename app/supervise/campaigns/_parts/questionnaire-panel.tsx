"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { QUESTIONNAIRE_MAX_BYTES } from "@/domain/questionnaire/summary";
import { useI18n } from "../../../_components/i18n";
import { useTRPC } from "../../../_components/trpc";
import { QuestionnairePreview } from "./questionnaire-preview";

interface Problem {
  sheet: string;
  row: number;
  column: string;
  cell: string;
  message: string;
}

type Outcome =
  | { kind: "done"; message: string }
  | { kind: "problems"; problems: Problem[] }
  | { kind: "error"; message: string };

/**
 * A campaign's questionnaire: the version in force with its question count, and for an administrator
 * who may change the campaign (`canManage`: the same test as closing it) an upload of the next version.
 * A refused workbook's report lists every problem with its sheet, row and column, as the server
 * words it, so the administrator fixes them all in one pass. A clean one becomes a draft, previewed
 * with the phone's renderer, then published (the version in force from then on) or discarded.
 */
export function QuestionnairePanel({ campaignId, canManage }: { campaignId: string; canManage: boolean }) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.campaign.questionnaire.queryOptions({ id: campaignId }));
  const versions = useQuery(trpc.campaign.questionnaireVersions.queryOptions({ id: campaignId }));
  const draft = useQuery({
    ...trpc.campaign.questionnaireDraft.queryOptions({ id: campaignId }),
    enabled: canManage,
  });
  const refresh = () =>
    Promise.all(
      [
        trpc.campaign.questionnaire.queryKey({ id: campaignId }),
        trpc.campaign.questionnaireVersions.queryKey({ id: campaignId }),
        trpc.campaign.questionnaireDraft.queryKey({ id: campaignId }),
      ].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
    );
  const publish = useMutation(
    trpc.campaign.publishQuestionnaire.mutationOptions({
      onSuccess: async (done) => {
        setOutcome({
          kind: "done",
          message: t("questionnairePublish.published", {
            title: done.title,
            version: done.version,
            questions: done.questions,
          }),
        });
        await refresh();
      },
      onError: (error) => setOutcome({ kind: "error", message: error.message }),
    }),
  );
  const discard = useMutation(
    trpc.campaign.discardQuestionnaireDraft.mutationOptions({
      onSuccess: async (done) => {
        setOutcome({ kind: "done", message: t("questionnairePublish.discarded", { version: done.version }) });
        await refresh();
      },
      onError: (error) => setOutcome({ kind: "error", message: error.message }),
    }),
  );
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // Bumped after a publish: a fresh file input, so the published file is not offered again.
  const [inputKey, setInputKey] = useState(0);
  const inputId = useId();

  const upload = async () => {
    if (!file) return;
    setOutcome(null);
    if (!/\.xlsx$/i.test(file.name)) {
      setOutcome({ kind: "error", message: t("questionnaireUpload.badType") });
      return;
    }
    if (file.size > QUESTIONNAIRE_MAX_BYTES) {
      setOutcome({
        kind: "error",
        message: t("questionnaireUpload.tooLarge", { mb: QUESTIONNAIRE_MAX_BYTES / (1024 * 1024) }),
      });
      return;
    }
    setBusy(true);
    try {
      const query = new URLSearchParams({ campaign: campaignId, name: file.name });
      const response = await fetch(`/api/questionnaires?${query}`, {
        method: "POST",
        body: file,
        headers: { "content-type": "application/octet-stream" },
      });
      const body = await response.json().catch(() => null);
      if (body?.ok === true) {
        setOutcome({
          kind: "done",
          message: t("questionnaireUpload.done", {
            title: body.title,
            version: body.version,
            questions: body.questions,
          }),
        });
        setFile(null);
        setInputKey((key) => key + 1);
        await refresh();
      } else if (body?.ok === false) {
        setOutcome({ kind: "problems", problems: body.problems });
      } else {
        setOutcome({ kind: "error", message: body?.error?.message ?? t("errors.internal") });
      }
    } catch {
      setOutcome({ kind: "error", message: t("errors.network") });
    } finally {
      setBusy(false);
    }
  };

  const q = current.data;
  const d = canManage ? draft.data : null;
  return (
    <section
      className="flex flex-col gap-2 rounded-xl bg-white p-4 shadow-sm"
      aria-labelledby="campaign-questionnaire"
      data-testid="questionnaire-panel"
    >
      <h2 id="campaign-questionnaire" className="text-xl font-bold">
        {t("questionnaireUpload.heading")}
      </h2>
      {current.error ? (
        <p role="alert" className="text-sm font-medium text-red-900">
          {current.error.message}
        </p>
      ) : q ? (
        <div data-testid="questionnaire-current">
          <p className="text-base font-semibold text-gray-900">
            {t("questionnaireUpload.current", { title: q.title, version: q.version, questions: q.questions })}
          </p>
          <p className="text-sm text-gray-700">
            {t("questionnaireUpload.currentFile", {
              file: q.sourceFile,
              date: new Date(q.createdAt).toLocaleString(locale),
            })}
          </p>
        </div>
      ) : (
        current.isSuccess && <p className="text-sm text-gray-700">{t("questionnaireUpload.none")}</p>
      )}
      {versions.data && versions.data.length > 0 && (
        <details className="text-sm text-gray-800" data-testid="questionnaire-versions">
          <summary className="min-h-11 cursor-pointer py-2 text-base font-medium">
            {t("questionnaireUpload.versions")}
          </summary>
          <ul className="flex flex-col gap-1">
            {versions.data.map((v) => (
              <li key={v.version} className="flex flex-wrap items-center gap-x-3">
                <span>
                  {t("questionnaireUpload.version", {
                    version: v.version,
                    title: v.title,
                    questions: v.questions,
                    date: new Date(v.createdAt).toLocaleDateString(locale),
                    file: v.sourceFile,
                  })}
                </span>
                <a
                  href={`/api/questionnaires?${new URLSearchParams({ campaign: campaignId, version: String(v.version) })}`}
                  download
                  aria-label={t("questionnaireUpload.downloadLabel", { version: v.version })}
                  className="inline-flex min-h-11 items-center font-medium text-brand-dark underline"
                  data-testid={`questionnaire-download-${v.version}`}
                >
                  {t("questionnaireUpload.download")}
                </a>
              </li>
            ))}
          </ul>
        </details>
      )}
      {d && (
        <div
          className="flex flex-col gap-4 rounded-lg border-2 border-amber-400 bg-amber-50 p-3 lg:flex-row lg:items-start"
          data-testid="questionnaire-draft"
        >
          <QuestionnairePreview definition={d.definition} title={d.title} version={d.version} />
          <div className="flex flex-col gap-2">
            <p className="text-base font-semibold text-amber-950">
              {t("questionnairePublish.draft", {
                title: d.title,
                version: d.version,
                questions: d.questions,
              })}
            </p>
            <p className="text-sm text-gray-800">
              {t("questionnairePublish.draftFile", {
                file: d.sourceFile,
                date: new Date(d.createdAt).toLocaleString(locale),
              })}
            </p>
            <h3 className="text-lg font-bold">{t("questionnairePublish.previewHeading")}</h3>
            <p className="text-sm text-gray-800">
              {t("questionnairePublish.previewHint", { sample: t("questionnairePublish.sample") })}
            </p>
            <p className="text-sm text-gray-800">{t("questionnairePublish.replaces")}</p>
            <div className="flex flex-wrap gap-2">
              <button
                type="button"
                disabled={publish.isPending || discard.isPending}
                onClick={() => {
                  setOutcome(null);
                  publish.mutate({ campaignId, version: d.version });
                }}
                className="min-h-11 rounded-lg bg-brand px-5 font-medium text-white hover:bg-brand-dark disabled:opacity-60"
                data-testid="questionnaire-publish"
              >
                {publish.isPending ? t("questionnairePublish.publishing") : t("questionnairePublish.publish")}
              </button>
              <button
                type="button"
                disabled={publish.isPending || discard.isPending}
                onClick={() => {
                  setOutcome(null);
                  discard.mutate({ campaignId, version: d.version });
                }}
                className="min-h-11 rounded-lg border border-gray-500 bg-white px-4 font-medium hover:bg-gray-50 disabled:opacity-60"
                data-testid="questionnaire-discard"
              >
                {t("questionnairePublish.discard")}
              </button>
            </div>
          </div>
        </div>
      )}
      {canManage ? (
        <div className="flex flex-col gap-2">
          <p className="text-sm text-gray-700">{t("questionnaireUpload.hint")}</p>
          <label htmlFor={inputId} className="text-base font-medium">
            {t("questionnaireUpload.choose")}
          </label>
          <input
            key={inputKey}
            id={inputId}
            type="file"
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              setOutcome(null);
            }}
            className="min-h-11 max-w-xl rounded-lg border border-gray-400 p-2 text-base"
            data-testid="questionnaire-file"
          />
          <button
            type="button"
            disabled={!file || busy}
            onClick={upload}
            className="min-h-11 self-start rounded-lg bg-brand px-4 font-medium text-white hover:bg-brand-dark disabled:opacity-60"
          >
            {busy ? t("questionnaireUpload.uploading") : t("questionnaireUpload.submit")}
          </button>
        </div>
      ) : (
        <p className="text-sm text-gray-700">{t("questionnaireUpload.adminOnly")}</p>
      )}
      <div aria-live="polite">
        {outcome?.kind === "done" && (
          <p className="text-base font-medium text-green-900" data-testid="questionnaire-done">
            {outcome.message}
          </p>
        )}
        {outcome?.kind === "error" && (
          <p role="alert" className="text-base font-medium text-red-900">
            {outcome.message}
          </p>
        )}
        {outcome?.kind === "problems" && (
          <div
            role="alert"
            className="rounded-lg border border-red-300 bg-red-50 p-3"
            data-testid="questionnaire-problems"
          >
            <p className="mb-2 text-base font-medium text-red-950">
              {t("questionnaireUpload.refused", { count: outcome.problems.length })}
            </p>
            <ol className="list-decimal pl-6 text-sm text-red-950">
              {outcome.problems.map((p) => (
                <li key={`${p.sheet}-${p.row}-${p.column}-${p.message}`}>{p.message}</li>
              ))}
            </ol>
          </div>
        )}
      </div>
    </section>
  );
}
