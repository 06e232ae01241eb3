"use client";

// Small controls every screen uses, apart from the signed-in shell (./shell.tsx), which brings
// react-query's hooks and the router: the officer's screens need these without them.

import { useI18n } from "./i18n";

export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <button
      type="button"
      aria-label={t("nav.languageLabel")}
      onClick={() => setLocale(locale === "zh-CN" ? "en" : "zh-CN")}
      className="min-h-11 min-w-11 rounded-lg px-3 text-sm font-medium text-white/95 hover:bg-white/10"
    >
      {t("nav.language")}
    </button>
  );
}

export function ErrorPanel({ message, onRetry }: { message: string; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div
      role="alert"
      data-testid="error"
      className="rounded-xl border border-red-300 bg-red-50 p-4 text-red-900"
    >
      <p>{message}</p>
      {onRetry && (
        <button
          type="button"
          onClick={onRetry}
          className="mt-3 min-h-11 rounded-lg border border-red-400 bg-white px-4 font-medium"
        >
          {t("errors.retry")}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="p-6 text-center text-gray-600" aria-live="polite">
      {t("register.loading")}
    </p>
  );
}
