"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { USERS_BULK_MAX_ROWS, type UserBulkReport } from "@/domain/users";
import { useI18n } from "../../../_components/i18n";
import { useTRPC } from "../../../_components/trpc";

/** The file's bytes as base64, for the JSON body (a few hundred accounts: tens of kilobytes). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * Accounts from an .xlsx file, all or nothing (server/services/users.ts says why): the report lists
 * every problem by row and column, or every account created with its temporary password, which can be
 * saved as a CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese) to hand out.
 */
export function BulkCreate({
  onCreated,
  onClose,
}: {
  onCreated: () => Promise<unknown>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const ids = useId();
  const input = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [report, setReport] = useState<UserBulkReport | null>(null);
  const bulk = useMutation(trpc.user.bulkCreate.mutationOptions());

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setReport(null);
    bulk.reset();
    const file = input.current?.files?.[0];
    if (!file) {
      setFileError(t("users.bulk.noFile"));
      input.current?.focus();
      return;
    }
    setFileError(null);
    const result = await bulk
      .mutateAsync({ fileName: file.name, data: await base64Of(file) })
      .catch(() => null);
    if (!result) return;
    setReport(result);
    if (result.created.length > 0) await onCreated();
  };

  const download = (created: UserBulkReport["created"]) => {
    const header = [
      t("users.col.username"),
      t("users.col.name"),
      t("users.col.role"),
      t("users.col.area"),
      t("users.temp.label"),
    ];
    const lines = [
      header,
      ...created.map((u) => [
        u.username,
        u.displayName,
        t(`users.role.${u.role}`),
        u.areaName,
        u.temporaryPassword,
      ]),
    ];
    const text = `\uFEFF${lines.map((line) => line.map(csvCell).join(",")).join("\r\n")}\r\n`;
    const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = `${report?.fileName.replace(/\.xlsx$/i, "") ?? "users"}-accounts.csv`;
    link.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section
      className="flex flex-col gap-3 rounded-xl bg-white p-4 shadow-sm"
      aria-labelledby={`${ids}-heading`}
      data-testid="user-bulk"
    >
      <h2 id={`${ids}-heading`} className="text-xl font-bold">
        {t("users.bulk.heading")}
      </h2>
      <p className="text-base text-gray-800">{t("users.bulk.intro", { max: USERS_BULK_MAX_ROWS })}</p>
      <p className="text-sm text-gray-700">{t("users.bulk.rule")}</p>
      <form noValidate onSubmit={submit} className="flex flex-col gap-2">
        <label htmlFor={`${ids}-file`} className="font-semibold">
          {t("users.bulk.file")}
        </label>
        <input
          ref={input}
          id={`${ids}-file`}
          type="file"
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          aria-invalid={!!fileError}
          aria-describedby={fileError ? `${ids}-error` : undefined}
          className="min-h-11 rounded-lg border border-gray-400 p-2 text-base"
        />
        {fileError && (
          <p id={`${ids}-error`} role="alert" className="text-sm font-medium text-red-800">
            {fileError}
          </p>
        )}
        <div className="flex flex-wrap gap-2">
          <button
            type="submit"
            disabled={bulk.isPending}
            className="min-h-11 rounded-lg bg-brand px-5 font-medium text-white hover:bg-brand-dark disabled:opacity-60"
          >
            {bulk.isPending ? t("users.bulk.submitting") : t("users.bulk.submit")}
          </button>
          <button
            type="button"
            onClick={onClose}
            className="min-h-11 rounded-lg border border-gray-400 bg-white px-5 font-medium hover:bg-gray-50"
          >
            {t("users.form.cancel")}
          </button>
        </div>
        {bulk.isPending && <progress className="h-3 w-full" aria-label={t("users.bulk.submitting")} />}
      </form>
      {bulk.error && (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 p-3 text-red-900">
          {bulk.error.message}
        </p>
      )}
      {report && report.problems.length > 0 && (
        <div className="flex flex-col gap-2" role="status" data-testid="user-bulk-problems">
          <p className="text-lg font-bold text-red-900">
            {t("users.bulk.failedHeading", { file: report.fileName, count: report.problems.length })}
          </p>
          <p className="text-sm text-gray-800">{t("users.bulk.failedHint")}</p>
          <div className="overflow-x-auto">
            <table className="w-full min-w-[32rem] border-collapse text-sm">
              <thead>
                <tr className="border-b-2 border-gray-200 text-left">
                  <th scope="col" className="p-2">
                    {t("users.bulk.col.row")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("users.bulk.col.column")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("users.bulk.col.value")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("users.bulk.col.reason")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.problems.map((problem, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a row may have several problems; the list never reorders
                  <tr key={i} className="border-b border-gray-100 align-top">
                    <td className="p-2 tabular-nums">{problem.row}</td>
                    <td className="p-2">{problem.column}</td>
                    <td className="p-2 break-all">{problem.value || "—"}</td>
                    <td className="p-2 text-red-900">{problem.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {report && report.created.length > 0 && (
        <div
          className="flex flex-col gap-2 rounded-lg border-2 border-green-700 bg-green-50 p-3"
          role="status"
          data-testid="user-bulk-created"
        >
          <p className="text-lg font-bold text-green-950">
            {t("users.bulk.doneHeading", { file: report.fileName, count: report.created.length })}
          </p>
          <p className="text-sm text-gray-800">{t("users.bulk.doneHint")}</p>
          <button
            type="button"
            onClick={() => download(report.created)}
            className="min-h-11 self-start rounded-lg bg-green-800 px-4 font-medium text-white hover:bg-green-900"
          >
            {t("users.bulk.download")}
          </button>
          <div className="overflow-x-auto">
            <table className="w-full min-w-[32rem] border-collapse bg-white text-sm">
              <thead>
                <tr className="border-b-2 border-gray-200 text-left">
                  <th scope="col" className="p-2">
                    {t("users.col.username")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("users.col.name")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("users.col.role")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("users.col.area")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("users.temp.label")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.created.map((user) => (
                  <tr key={user.id} className="border-b border-gray-100">
                    <td className="p-2">{user.username}</td>
                    <td className="p-2">{user.displayName}</td>
                    <td className="p-2">{t(`users.role.${user.role}`)}</td>
                    <td className="p-2">{user.areaName}</td>
                    <td className="p-2 font-mono text-base font-bold">{user.temporaryPassword}</td>
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
