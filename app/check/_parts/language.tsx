"use client";

import { useI18n } from "../../_components/i18n";

/**
 * The language switch, with the visible word inside its accessible name (WCAG 2.5.3: a voice-control
 * user says what they see) and marked in its own language, so a screen reader says "English" rightly.
 */
export function CheckLanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  const other = locale === "zh-CN" ? "en" : "zh-CN";
  return (
    <button
      type="button"
      onClick={() => setLocale(other)}
      className="min-h-11 min-w-11 rounded-lg px-3 text-sm font-medium text-white hover:bg-white/10"
      data-testid="language"
    >
      <span className="sr-only">{t("nav.languageLabel")}: </span>
      <span lang={other}>{t("nav.language")}</span>
    </button>
  );
}
