"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { changeFieldLabel, changeValueText } from "@/domain/change-value";
import { codeLabel, VISIT_OUTCOME } from "@/domain/codes";
import type { ReviewState } from "@/domain/visit";
import { useI18n } from "../../_components/i18n";
import { StatusChip } from "../../_components/status";
import { useTRPC } from "../../_components/trpc";
import { AnswersPanel } from "./_parts/answers";
import { ClaimsPanel } from "./_parts/claims";
import { Disputes } from "./_parts/disputes";

type ReviewTab = ReviewState | "disputes";

const STATE_STATUS = { submitted: "done", returned: "returned", approved: "approved" } as const;

/** The review queue beside the visit being reviewed: approve, or return with a comment. */
export default function ReviewPage() {
  const { t } = useI18n();
  const [state, setState] = useState<ReviewTab>("submitted");
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <div className="grid gap-3 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <section aria-labelledby="queue-title" className="min-w-0">
        <h1 id="queue-title" className="sr-only">
          {t("supervise.review")}
        </h1>
        <div className="mb-2 flex gap-1 rounded-xl bg-white p-1 shadow-sm" role="tablist">
          {(["submitted", "returned", "approved", "disputes"] as const).map((option) => (
            <button
              key={option}
              type="button"
              role="tab"
              aria-selected={state === option}
              onClick={() => {
                setState(option);
                setSelected(null);
              }}
              className={`min-h-11 flex-1 rounded-lg px-2 text-base font-semibold ${
                state === option ? "bg-brand text-white" : "text-gray-800"
              }`}
            >
              {t(`review.state.${option}`)}
            </button>
          ))}
        </div>
        {state === "disputes" ? (
          <Disputes />
        ) : (
          <Queue state={state} selected={selected} onSelect={setSelected} />
        )}
      </section>
      {state !== "disputes" && (
        <section aria-label={t("review.detail")} className="min-w-0" id="review-detail">
          {selected ? (
            // Keyed by the visit: nothing of the last visit (a reveal, a comment, ticked fields)
            // survives into the next one.
            <VisitReview key={selected} id={selected} onDecided={() => setSelected(null)} />
          ) : (
            <p className="rounded-xl bg-white p-6 text-center text-gray-700 shadow-sm">{t("review.pick")}</p>
          )}
        </section>
      )}
    </div>
  );
}

function Queue({
  state,
  selected,
  onSelect,
}: {
  state: ReviewState;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queue = useQuery(trpc.review.queue.queryOptions({ state, limit: 200 }));
  const decide = useMutation(
    trpc.review.decide.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.review.queue.queryKey() }),
    }),
  );
  if (queue.isPending) return <p className="p-4 text-gray-700">{t("review.loading")}</p>;
  if (queue.isError)
    return (
      <p role="alert" className="rounded-lg bg-red-50 p-3 text-red-900">
        {queue.error.message}
      </p>
    );
  const visits = queue.data.visits;
  const clean = visits
    .filter((visit) => visit.clean)
    .map((visit) => ({ id: visit.id, version: visit.version }));
  return (
    <div className="rounded-xl bg-white p-3 shadow-sm">
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <p className="flex-1 text-base" data-testid="queue-total">
          {t("review.total", { count: queue.data.total })}
        </p>
        {state === "submitted" && clean.length > 0 && (
          <button
            type="button"
            disabled={decide.isPending}
            onClick={() => decide.mutate({ visits: clean.slice(0, 200), decision: "approve" })}
            className="min-h-11 rounded-lg border-2 border-brand px-3 font-semibold text-brand disabled:opacity-50"
            data-testid="approve-clean"
          >
            {t("review.approveClean", { count: clean.length })}
          </button>
        )}
      </div>
      {visits.length === 0 ? (
        <p className="p-4 text-center text-gray-700">{t(`review.empty.${state}`)}</p>
      ) : (
        <ul className="flex flex-col gap-2">
          {visits.map((visit) => (
            <li key={visit.id}>
              <button
                type="button"
                onClick={() => {
                  onSelect(visit.id);
                  document.getElementById("review-detail")?.scrollIntoView({ block: "start" });
                }}
                aria-current={selected === visit.id}
                className={`w-full rounded-lg border-2 p-3 text-left ${
                  selected === visit.id ? "border-brand bg-sky-50" : "border-gray-200 bg-white"
                }`}
                data-testid="queue-item"
                data-visit-id={visit.id}
              >
                <span className="block font-semibold">
                  {[visit.buildingName ?? visit.address, visit.unitNo, visit.roomNo]
                    .filter(Boolean)
                    .join(" ")}
                </span>
                <span className="block text-sm text-gray-700">
                  {visit.officerName} · {new Date(visit.visitedAt).toLocaleString(locale)} ·{" "}
                  {codeLabel(VISIT_OUTCOME, visit.outcome, locale)}
                </span>
                <span className="mt-1 flex flex-wrap gap-1 text-sm">
                  {visit.changeCount > 0 && (
                    <Tag tone="sky">{t("review.changes", { count: visit.changeCount })}</Tag>
                  )}
                  {visit.conflictCount > 0 && <Tag tone="purple">{t("status.conflict")}</Tag>}
                  {visit.escalate && (
                    <Tag tone="red">{t("review.escalate", { count: visit.withoutContact })}</Tag>
                  )}
                  {visit.far && <Tag tone="amber">{t("review.far", { meters: visit.distanceM ?? 0 })}</Tag>}
                  {visit.photos > 0 && <Tag tone="gray">{t("review.hasPhoto")}</Tag>}
                  {visit.clean && <Tag tone="green">{t("review.clean")}</Tag>}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const TONES = {
  sky: "bg-sky-100 text-sky-950",
  purple: "bg-purple-100 text-purple-950",
  amber: "bg-amber-100 text-amber-950",
  gray: "bg-gray-100 text-gray-900",
  green: "bg-green-100 text-green-950",
  red: "bg-red-100 text-red-950",
} as const;

function Tag({ tone, children }: { tone: keyof typeof TONES; children: React.ReactNode }) {
  return <span className={`rounded-full px-2 py-0.5 font-medium ${TONES[tone]}`}>{children}</span>;
}

function VisitReview({ id, onDecided }: { id: string; onDecided: () => void }) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const visit = useQuery(trpc.review.visit.queryOptions({ id }));
  const reveal = useMutation(trpc.review.reveal.mutationOptions());
  const [comment, setComment] = useState("");
  const [fields, setFields] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const decide = useMutation(
    trpc.review.decide.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.review.queue.queryKey() });
        setComment("");
        onDecided();
      },
      onError: async (error) => {
        setProblem(error.message);
        // Refused as stale: show the visit as it is now, for a decision on that.
        await queryClient.invalidateQueries({ queryKey: trpc.review.visit.queryKey({ id }) });
        await queryClient.invalidateQueries({ queryKey: trpc.review.queue.queryKey() });
      },
    }),
  );
  if (visit.isPending) return <p className="p-4 text-gray-700">{t("review.loading")}</p>;
  if (visit.isError)
    return (
      <p role="alert" className="rounded-lg bg-red-50 p-3 text-red-900">
        {visit.error.message}
      </p>
    );
  // A reveal answers for the visit it was asked about; never show it for another.
  const data = reveal.data?.id === id ? reveal.data : visit.data;
  // The fields a return can point at: those the officer changed.
  const correctable = [
    ...new Set(data.changes.map((change) => change.field).filter((field) => field !== "*")),
  ];
  const place = data.place;
  const hasPending = data.changes.some((change) => change.status === "pending");
  // The server masked what is personal unless the reviewer revealed it; here values become words.
  const show = (change: { field: string; entity: string }, value: unknown): string =>
    changeValueText(change.field, value, { locale, t, mask: false, entity: change.entity }) || "—";
  // A field is named as its record names it (a household's lowIncome is 低保户, a person's 低保人员).
  const entityOf = new Map(data.changes.map((change) => [change.field, change.entity]));
  const fieldName = (field: string) => changeFieldLabel(field, t, entityOf.get(field) ?? null);
  const submit = (decision: "approve" | "return") => {
    setProblem(null);
    if (decision === "return" && !comment.trim()) {
      setProblem(t("review.commentRequired"));
      return;
    }
    decide.mutate({
      visits: [{ id: data.id, version: data.version }],
      decision,
      comment: comment.trim() || null,
      fields: decision === "return" ? fields : undefined,
    });
  };
  return (
    <article className="rounded-xl bg-white p-4 shadow-sm" data-testid="visit-review">
      <header className="mb-3">
        <h2 className="text-lg font-bold">
          {place
            ? [place.buildingName ?? place.address, place.unitNo, place.roomNo].filter(Boolean).join(" ")
            : ""}
        </h2>
        <p className="text-sm text-gray-700">
          {data.gridName} · {data.officerName} · {new Date(data.visitedAt).toLocaleString(locale)}
        </p>
        <p className="mt-1 flex flex-wrap items-center gap-2">
          <span className="font-semibold">{codeLabel(VISIT_OUTCOME, data.outcome, locale)}</span>
          {data.attempt > 1 && <Tag tone="gray">{t("review.attempt", { count: data.attempt })}</Tag>}
          <StatusChip status={STATE_STATUS[data.reviewState]} label={t(`review.state.${data.reviewState}`)} />
        </p>
        {data.note && <p className="mt-1 text-gray-800">{data.note}</p>}
        {data.escalate && (
          <p
            className="mt-2 rounded-lg border-2 border-status-returned bg-red-50 p-2 font-semibold text-red-950"
            data-testid="review-escalate"
          >
            {t("review.escalateNote", { count: data.withoutContact })}
          </p>
        )}
      </header>

      <AnswersPanel questionnaire={data.questionnaire} />
      <ClaimsPanel claims={data.claims} />

      <h3 className="mb-1 font-semibold">{t("review.changesTitle")}</h3>
      {data.changes.length === 0 ? (
        <p className="mb-3 text-gray-700">{t("review.noChanges")}</p>
      ) : (
        <div className="mb-3 overflow-x-auto">
          <table className="w-full min-w-[28rem] text-left text-base" data-testid="review-changes">
            <thead>
              {/* Short columns keep their words on one line; the observed value (a new record's
                  fields, say) takes the room left and wraps. */}
              <tr className="border-b border-gray-300 text-sm whitespace-nowrap text-gray-700">
                <th className="py-1 pr-2">{t("review.record")}</th>
                <th className="py-1 pr-2">{t("review.field")}</th>
                <th className="py-1 pr-2">{t("review.registerValue")}</th>
                <th className="py-1 pr-2">{t("review.observedValue")}</th>
                {hasPending && <th className="py-1 pr-2">{t("review.registerNow")}</th>}
                <th className="py-1 pr-2">{t("review.changeState")}</th>
              </tr>
            </thead>
            <tbody>
              {data.changes.map((change) => (
                <tr key={change.id} className="border-b border-gray-100 align-top">
                  <td className="py-1 pr-2 whitespace-nowrap" data-testid="change-record">
                    {change.record ?? ""}
                    <span className="block text-sm text-gray-700">{t(`export.entity.${change.entity}`)}</span>
                  </td>
                  <td className="py-1 pr-2 font-semibold whitespace-nowrap">
                    {changeFieldLabel(change.field, t, change.entity)}
                  </td>
                  <td className="py-1 pr-2 text-gray-700">
                    {change.field === "*" ? "—" : show(change, change.registerValue)}
                  </td>
                  <td className="py-1 pr-2 font-semibold" data-testid="change-observed">
                    {show(change, change.observedValue)}
                  </td>
                  {hasPending && (
                    <td className="py-1 pr-2 text-gray-700" data-testid="register-now">
                      {change.status === "pending" && change.field !== "*"
                        ? show(change, change.registerNow)
                        : ""}
                    </td>
                  )}
                  <td className="py-1 pr-2 text-sm whitespace-nowrap" data-testid="change-state">
                    {change.status === "conflict" ? (
                      <Tag tone="purple">{t("review.changeState.conflict")}</Tag>
                    ) : (
                      t(`review.changeState.${change.status}`)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {hasPending && <p className="mt-1 text-sm text-gray-700">{t("review.pendingNote")}</p>}
          {!data.revealed && (
            <button
              type="button"
              onClick={() => reveal.mutate({ id: data.id })}
              className="mt-2 min-h-11 rounded-lg border-2 border-gray-400 px-3 text-sm font-semibold"
            >
              {t("review.reveal")}
            </button>
          )}
        </div>
      )}

      <h3 className="mb-1 font-semibold">{t("review.evidence")}</h3>
      <div className="mb-3 flex flex-wrap gap-3">
        {data.photos.map((photo) => (
          // biome-ignore lint/performance/noImgElement: a private photo from our own route, not an optimisable asset
          <img
            key={photo.sha256}
            src={`/api/photos/${photo.sha256}`}
            alt={t("review.photoAlt")}
            className="max-h-64 max-w-full rounded-lg border border-gray-300"
            loading="lazy"
          />
        ))}
        <p className="text-base" data-testid="review-gps">
          {data.distanceM === null
            ? t("review.noPosition")
            : t(data.far ? "review.distanceFar" : "review.distance", {
                meters: data.distanceM,
                accuracy: Math.round(data.accuracyM ?? 0),
              })}
        </p>
      </div>

      {data.history.length > 1 && (
        <>
          <h3 className="mb-1 font-semibold">{t("review.history")}</h3>
          <ol className="mb-3 flex flex-col gap-1 text-sm" data-testid="review-history">
            {data.history.map((item) => (
              <li key={item.id} className={item.id === data.id ? "font-semibold" : ""}>
                {new Date(item.visitedAt).toLocaleDateString(locale)} · {item.officerName} ·{" "}
                {codeLabel(VISIT_OUTCOME, item.outcome, locale)} · {t(`review.state.${item.reviewState}`)}
                {item.reviewComment ? ` · “${item.reviewComment}”` : ""}
              </li>
            ))}
          </ol>
        </>
      )}

      {data.reviewState === "submitted" ? (
        <div className="border-t border-gray-200 pt-3">
          <label className="mb-2 block">
            <span className="mb-1 block font-semibold">{t("review.comment")}</span>
            <textarea
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              rows={3}
              maxLength={500}
              className="w-full rounded-lg border-2 border-gray-400 p-2 text-base"
              placeholder={t("review.commentHint")}
            />
          </label>
          {correctable.length > 0 && (
            <fieldset className="mb-2">
              <legend className="mb-1 font-semibold">{t("review.fieldsToFix")}</legend>
              <div className="flex flex-wrap gap-x-4">
                {correctable.map((field) => (
                  <label key={field} className="flex min-h-11 items-center gap-2 text-base">
                    <input
                      type="checkbox"
                      className="h-5 w-5"
                      checked={fields.includes(field)}
                      onChange={(e) =>
                        setFields((held) =>
                          e.target.checked ? [...held, field] : held.filter((f) => f !== field),
                        )
                      }
                    />
                    {fieldName(field)}
                  </label>
                ))}
              </div>
            </fieldset>
          )}
          {problem && (
            <p role="alert" className="mb-2 text-red-800">
              {problem}
            </p>
          )}
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              disabled={decide.isPending}
              onClick={() => submit("approve")}
              className="min-h-12 rounded-lg bg-brand px-5 text-lg font-bold text-white disabled:opacity-50"
            >
              {t("review.approve")}
            </button>
            <button
              type="button"
              disabled={decide.isPending}
              onClick={() => submit("return")}
              className="min-h-12 rounded-lg border-2 border-red-700 bg-white px-5 text-lg font-bold text-red-800 disabled:opacity-50"
            >
              {t("review.return")}
            </button>
          </div>
        </div>
      ) : (
        (data.reviewComment || data.reviewFields.length > 0) && (
          <p className="rounded-lg bg-red-50 p-3 text-red-950">
            {data.reviewComment}
            {data.reviewFields.length > 0 &&
              ` · ${t("review.fieldsToFix")}：${data.reviewFields.map(fieldName).join("、")}`}
          </p>
        )
      )}
    </article>
  );
}
