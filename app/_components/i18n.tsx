"use client";

import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import {
  createTranslator,
  DEFAULT_LOCALE,
  isLocale,
  LOCALE_COOKIE,
  type Locale,
  localeLoaded,
  type Translate,
} from "@/domain/i18n";

interface I18n {
  locale: Locale;
  t: Translate;
  setLocale(locale: Locale): void;
}

const I18nContext = createContext<I18n | null>(null);

function storedLocale(): Locale {
  const match = document.cookie.match(new RegExp(`(?:^|; )${LOCALE_COOKIE}=([^;]*)`));
  const value = match ? decodeURIComponent(match[1]) : null;
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

/** English is not in every page's JavaScript (most readers never switch): it loads when chosen. */
async function ready(locale: Locale): Promise<Locale> {
  if (!localeLoaded(locale)) await import("@/domain/i18n/english");
  return locale;
}

/**
 * The locale lives in a cookie the server reads for its error messages. Pages render in Chinese
 * first and switch after mount, so every page can stay static and be cached for offline use.
 */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(DEFAULT_LOCALE);
  useEffect(() => {
    let live = true;
    // Offline too: the service worker holds every chunk of the build, English's included.
    void ready(storedLocale()).then((locale) => live && setLocaleState(locale));
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((next: Locale) => {
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing on the older phones officers carry
    document.cookie = `${LOCALE_COOKIE}=${encodeURIComponent(next)}; Path=/; Max-Age=31536000; SameSite=Lax`;
    void ready(next).then(setLocaleState);
  }, []);
  const value = useMemo(() => ({ locale, t: createTranslator(locale), setLocale }), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
