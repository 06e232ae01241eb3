"use client";

import { useState } from "react";
import { useI18n } from "../../../_components/i18n";

/**
 * A temporary password, shown this once: the server keeps only its hash. Large, unambiguous letters
 * (no 0/o, 1/l/i), to be read out over a phone.
 */
export function TempPassword({
  heading,
  password,
  onDismiss,
}: {
  heading: string;
  password: string;
  onDismiss: () => void;
}) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(password);
      setCopied(true);
    } catch {
      // No clipboard (a plain-http intranet address): the text stays selectable.
    }
  };
  return (
    <div
      role="status"
      className="flex flex-col gap-2 rounded-lg border-2 border-green-700 bg-green-50 p-3"
      data-testid="temp-password"
    >
      <p className="text-base font-semibold text-green-950">{heading}</p>
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm text-gray-800">{t("users.temp.label")}</span>
        <code
          className="select-all rounded bg-white px-3 py-1 font-mono text-2xl font-bold tracking-wider text-gray-950"
          data-testid="temp-password-value"
        >
          {password}
        </code>
        <button
          type="button"
          onClick={copy}
          className="min-h-11 rounded-lg border border-green-800 bg-white px-3 text-sm font-medium text-green-900 hover:bg-green-100"
        >
          {copied ? t("users.temp.copied") : t("users.temp.copy")}
        </button>
      </div>
      <p className="text-sm text-gray-800">{t("users.temp.note")}</p>
      <button
        type="button"
        onClick={onDismiss}
        className="min-h-11 self-start rounded-lg bg-green-800 px-4 font-medium text-white hover:bg-green-900"
      >
        {t("users.temp.dismiss")}
      </button>
    </div>
  );
}
