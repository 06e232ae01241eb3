"use client";

import { useId, useState } from "react";
import { codeLabel } from "@/domain/codes";
import { CLAIM_KIND, type TargetFileReport } from "@/domain/target-file";
import { useI18n } from "../../../_components/i18n";

/**
 * A returned-file campaign's upload: the department's XLSX/CSV goes to /api/target-files, which
 * matches each row to the register and makes the targets; the row-level report shows here.
 */
export function TargetFilePanel({
  campaignId,
  canUpload,
  onUploaded,
}: {
  campaignId: string;
  canUpload: boolean;
  onUploaded: () => Promise<unknown>;
}) {
  const { t, locale } = useI18n();
  const ids = useId();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<TargetFileReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const query = new URLSearchParams({ campaign: campaignId, name: file.name });
      const response = await fetch(`/api/target-files?${query}`, {
        method: "POST",
        body: file,
        headers: { "content-type": "application/octet-stream" },
      });
      const body = await response.json().catch(() => null);
      if (response.ok && body) {
        setReport(body as TargetFileReport);
        await onUploaded();
      } else setError(body?.error?.message ?? t("errors.internal"));
    } catch {
      setError(t("errors.network"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="flex flex-col gap-3 rounded-lg border border-gray-300 p-3" data-testid="target-file">
      <h2 className="text-lg font-semibold">{t("targetFile.heading")}</h2>
      <p className="text-base text-gray-800">{t("targetFile.hint")}</p>
      {canUpload && (
        <div className="flex flex-wrap items-center gap-3">
          <label htmlFor={`${ids}-file`} className="sr-only">
            {t("targetFile.choose")}
          </label>
          <input
            id={`${ids}-file`}
            type="file"
            accept=".xlsx,.csv,.txt"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            className="text-base"
          />
          <button
            type="button"
            disabled={!file || busy}
            onClick={upload}
            className="min-h-11 rounded-lg bg-brand px-4 text-base font-semibold text-white disabled:opacity-50"
          >
            {busy ? t("targetFile.uploading") : t("targetFile.upload")}
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="text-base font-medium text-red-800">
          {error}
        </p>
      )}
      {report && (
        <div className="flex flex-col gap-2" data-testid="target-file-report">
          <p className="text-base font-semibold" role="status">
            {t("targetFile.summary", {
              read: report.read,
              matched: report.matched,
              matchedDiff: report.matchedDiff,
              room: report.room,
              rejected: report.rejected,
            })}
          </p>
          <div className="overflow-x-auto">
            <table className="w-full border-collapse text-left text-sm">
              <thead>
                <tr className="border-b-2 border-gray-400">
                  <th className="p-2">{t("targetFile.col.row")}</th>
                  <th className="p-2">{t("targetFile.col.kind")}</th>
                  <th className="p-2">{t("targetFile.col.subject")}</th>
                  <th className="p-2">{t("targetFile.col.outcome")}</th>
                  <th className="p-2">{t("targetFile.col.reason")}</th>
                </tr>
              </thead>
              <tbody>
                {report.rows.map((row) => (
                  <tr
                    key={row.row}
                    className={`border-b border-gray-200 ${row.outcome === "rejected" ? "bg-red-50" : row.outcome === "matched_diff" ? "bg-amber-50" : ""}`}
                    data-outcome={row.outcome}
                  >
                    <td className="p-2 tabular-nums">{row.row}</td>
                    <td className="p-2">{row.kind ? codeLabel(CLAIM_KIND, row.kind, locale) : ""}</td>
                    <td className="p-2">{row.label}</td>
                    <td className="p-2 font-medium">{t(`targetFile.outcome.${row.outcome}`)}</td>
                    <td className="p-2">
                      {row.reason ??
                        row.differences
                          .map((d) => t(`targetFile.difference.${d as "room" | "name"}`))
                          .join("、")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
