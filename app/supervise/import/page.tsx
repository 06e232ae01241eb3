"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { IMPORT_KINDS, type ImportKind } from "@/domain/import/kinds";
import type { ImportReport, ImportRowProblem } from "@/domain/import/report";
import { useI18n } from "../../_components/i18n";
import { useTRPC } from "../../_components/trpc";

/** What /api/import sends back last: the engine's report with the upload it came from. */
type Report = ImportReport & { uploadId: string };

type Phase =
  | { step: "idle" }
  | { step: "uploading"; percent: number }
  | { step: "importing"; rowsRead: number; percent: number | null }
  | { step: "done"; report: Report }
  | { step: "failed"; message: string };

/** Cards shown of each list (problems, warnings). */
const SHOWN = 200;
const TOTALS = ["read", "inserted", "updated", "unchanged", "rejected"] as const;

/**
 * Sends the file as the request body (XMLHttpRequest, for upload progress) and reads the NDJSON answer
 * as it arrives: progress lines, then the report or an error.
 */
function upload(
  file: File,
  query: URLSearchParams,
  onPhase: (phase: Phase) => void,
  failedMessage: string,
): void {
  const xhr = new XMLHttpRequest();
  xhr.open("POST", `/api/import?${query}`);
  xhr.setRequestHeader("content-type", "application/octet-stream");
  let seen = 0;
  let finished = false;
  const readLines = () => {
    const text = xhr.responseText;
    let end = text.indexOf("\n", seen);
    while (end >= 0) {
      const line = text.slice(seen, end);
      seen = end + 1;
      end = text.indexOf("\n", seen);
      if (!line.trim()) continue;
      const event = JSON.parse(line);
      if (event.type === "progress") {
        const percent = event.totalBytes > 0 ? Math.round((event.bytesRead / event.totalBytes) * 100) : null;
        onPhase({ step: "importing", rowsRead: event.rowsRead, percent });
      } else if (event.type === "report") {
        finished = true;
        onPhase({ step: "done", report: event.report });
      } else if (event.type === "error") {
        finished = true;
        onPhase({ step: "failed", message: event.error.message });
      }
    }
  };
  xhr.upload.onprogress = (event) => {
    if (event.lengthComputable) {
      onPhase({ step: "uploading", percent: Math.round((event.loaded / event.total) * 100) });
    }
  };
  xhr.upload.onload = () => onPhase({ step: "importing", rowsRead: 0, percent: null });
  xhr.onprogress = () => {
    if (xhr.status === 200) readLines();
  };
  xhr.onload = () => {
    if (xhr.status !== 200) {
      let message = failedMessage;
      try {
        message = JSON.parse(xhr.responseText).error.message;
      } catch {}
      onPhase({ step: "failed", message });
      return;
    }
    readLines();
    if (!finished) onPhase({ step: "failed", message: failedMessage });
  };
  xhr.onerror = () => onPhase({ step: "failed", message: failedMessage });
  xhr.send(file);
}

export default function ImportPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const ids = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [dryRun, setDryRun] = useState(false);
  const [kind, setKind] = useState<ImportKind>("persons");
  const [phase, setPhase] = useState<Phase>({ step: "idle" });
  const [fileError, setFileError] = useState<string | null>(null);
  const busy = phase.step === "uploading" || phase.step === "importing";

  if (me.data && me.data.role !== "admin") {
    return <p className="rounded-xl bg-white p-6 text-center shadow-sm">{t("importPage.adminOnly")}</p>;
  }

  const start = (event: React.FormEvent) => {
    event.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!file) {
      setFileError(t("importPage.noFile"));
      fileInput.current?.focus();
      return;
    }
    setFileError(null);
    const query = new URLSearchParams({ kind, dryRun: dryRun ? "1" : "0", name: file.name });
    setPhase({ step: "uploading", percent: 0 });
    upload(file, query, setPhase, t("importPage.failed"));
  };

  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-3">
      <form
        onSubmit={start}
        noValidate
        className="rounded-xl bg-white p-4 shadow-sm"
        data-testid="import-form"
      >
        <h1 className="text-xl font-bold">{t("importPage.title")}</h1>
        <p className="mt-1 text-base text-gray-800">{t("importPage.intro")}</p>
        <fieldset className="mt-3 flex flex-col gap-3" disabled={busy}>
          <label className="flex flex-col gap-1">
            <span className="font-medium">{t("importPage.kind")}</span>
            <select
              className="min-h-11 rounded-lg border border-gray-400 px-2 text-base"
              value={kind}
              onChange={(event) => setKind(event.target.value as ImportKind)}
            >
              {IMPORT_KINDS.map((option) => (
                <option key={option} value={option}>
                  {t(`import.summary.kind.${option}`)}
                </option>
              ))}
            </select>
          </label>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${ids}-file`} className="font-medium">
              {t("importPage.file")}
            </label>
            <input
              ref={fileInput}
              id={`${ids}-file`}
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-describedby={`${ids}-hint${fileError ? ` ${ids}-error` : ""}`}
              aria-invalid={!!fileError}
              className="min-h-11 rounded-lg border border-gray-400 p-2 text-base"
            />
            <span id={`${ids}-hint`} className="text-sm text-gray-700">
              {t("importPage.fileHint")}
            </span>
            {fileError && (
              <span id={`${ids}-error`} role="alert" className="text-sm text-red-700">
                {fileError}
              </span>
            )}
          </div>
          <label className="flex min-h-11 items-center gap-2 text-base">
            <input
              type="checkbox"
              className="h-5 w-5"
              checked={dryRun}
              onChange={(event) => setDryRun(event.target.checked)}
            />
            {t("importPage.dryRun")}
          </label>
          <button
            type="submit"
            className="min-h-12 rounded-lg bg-brand px-4 text-base font-semibold text-white disabled:opacity-50"
          >
            {dryRun ? t("importPage.check") : t("importPage.start")}
          </button>
        </fieldset>
        {busy && <Progress phase={phase} />}
        {phase.step === "failed" && (
          <p role="alert" className="mt-3 rounded-lg bg-red-50 p-3 text-red-900" data-testid="import-failed">
            {phase.message}
          </p>
        )}
      </form>
      {phase.step === "done" && <ReportView report={phase.report} />}
    </div>
  );
}

function Progress({ phase }: { phase: Phase }) {
  const { t } = useI18n();
  const uploading = phase.step === "uploading";
  const percent = phase.step === "uploading" || phase.step === "importing" ? phase.percent : null;
  return (
    <div className="mt-3" data-testid="import-progress">
      <p className="text-base" aria-live="polite">
        {uploading ? t("importPage.uploading", { percent: phase.percent }) : t("importPage.importing")}
      </p>
      <progress
        className="mt-1 h-3 w-full"
        max={100}
        value={percent ?? undefined}
        aria-label={t("importPage.title")}
      />
      {phase.step === "importing" && phase.rowsRead > 0 && (
        <p className="text-sm text-gray-700">
          {t("importPage.rows", { rows: phase.rowsRead.toLocaleString() })}
        </p>
      )}
    </div>
  );
}

function ReportView({ report }: { report: Report }) {
  const { t } = useI18n();
  return (
    <section className="rounded-xl bg-white p-4 shadow-sm" data-testid="import-report" aria-live="polite">
      <h2 className="text-lg font-bold">{report.dryRun ? t("importPage.doneDry") : t("importPage.done")}</h2>
      <p className="text-sm text-gray-700">
        {report.file} · {t("importPage.encoding", { encoding: report.encoding ?? "—" })}
      </p>
      <dl className="mt-3 grid grid-cols-5 gap-1 text-center" data-testid="import-totals">
        {TOTALS.map((key) => (
          <div
            key={key}
            className={`rounded-lg p-2 ${key === "rejected" && report.rejected > 0 ? "bg-red-50" : "bg-gray-50"}`}
          >
            <dt className="text-sm text-gray-700">{t(`importPage.total.${key}`)}</dt>
            <dd className="text-xl font-bold tabular-nums" data-testid={`total-${key}`}>
              {report[key].toLocaleString()}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-2 text-sm text-gray-800">
        {t(
          report.kind === "persons"
            ? "importPage.households"
            : report.kind === "rentals"
              ? "importPage.tenants"
              : "importPage.batches",
          {
            count: report.kind === "persons" ? report.householdsCreated : report.personsCreated,
            batches: report.batches,
            seconds: (report.elapsedMs / 1000).toFixed(1),
          },
        )}
      </p>
      {report.ignoredColumns.length > 0 && (
        <p className="text-sm text-gray-800">
          {t("importPage.ignored", { columns: report.ignoredColumns.join("、") })}
        </p>
      )}
      {report.stoppedAt && (
        <p role="alert" className="mt-2 rounded-lg bg-red-50 p-3 text-red-900">
          {t("importPage.stopped", { row: report.stoppedAt.row, reason: report.stoppedAt.reason })}
        </p>
      )}
      {report.rejectedFile && (
        <a
          href={`/api/import/rejected?id=${report.uploadId}`}
          className="mt-3 inline-flex min-h-11 items-center rounded-lg border-2 border-brand px-3 font-semibold text-brand"
          data-testid="download-rejected"
        >
          {t("importPage.downloadRejected")}
        </a>
      )}
      {report.errors.length > 0 && (
        <>
          <h3 className="mt-3 font-semibold">{t("importPage.errors", { count: report.errorsTotal })}</h3>
          {report.errorsTotal > SHOWN && (
            <p className="text-sm text-gray-700">{t("importPage.errorsShown", { shown: SHOWN })}</p>
          )}
          <RowProblems notes={report.errors.slice(0, SHOWN)} kind="error" />
        </>
      )}
      {report.warnings.length > 0 && (
        <>
          <h3 className="mt-3 font-semibold">{t("importPage.warnings", { count: report.warningsTotal })}</h3>
          <p className="text-sm text-gray-700">
            {t("importPage.warningsIntro")}
            {report.warningsTotal > SHOWN && ` ${t("importPage.warningsShown", { shown: SHOWN })}`}
          </p>
          <RowProblems notes={report.warnings.slice(0, SHOWN)} kind="warning" />
        </>
      )}
    </section>
  );
}

/** One card per row's problem or warning: readable on a phone, where a four-column table is not. */
function RowProblems({ notes, kind }: { notes: ImportRowProblem[]; kind: "error" | "warning" }) {
  const { t } = useI18n();
  return (
    <ol className="mt-1 flex flex-col gap-1" data-testid={`import-${kind}s`}>
      {notes.map((note) => (
        <li
          key={`${note.row}-${note.column}-${note.key}`}
          className={`rounded-lg border p-2 text-sm ${kind === "warning" ? "border-amber-300 bg-amber-50" : "border-gray-200"}`}
          data-testid={`import-${kind}`}
        >
          <span className="font-semibold">
            {t("importPage.rowNo", { row: note.row })} · {note.column}
          </span>
          {note.value && <span className="ml-1 break-all font-mono text-gray-800">“{note.value}”</span>}
          <span className="block text-gray-900">{note.reason}</span>
        </li>
      ))}
    </ol>
  );
}
