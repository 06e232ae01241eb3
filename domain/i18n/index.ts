import { campaignMessages } from "./campaigns";
import { checkMessages } from "./check";
import { exportMessages } from "./export";
import { importMessages } from "./import";
import { importPageMessages } from "./import-page";
import { mapMessages } from "./map";
import { en, zhCN } from "./messages";
import { progressMessages } from "./progress";
import { superviseMessages } from "./supervise";
import { validationMessages } from "./validation";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";
export const LOCALE_COOKIE = "doorstep_locale";

// One catalogue per locale, assembled from the UI's, the validators' and each screen family's.
const catalogues = {
  "zh-CN": {
    ...zhCN,
    ...validationMessages["zh-CN"],
    ...superviseMessages["zh-CN"],
    ...progressMessages["zh-CN"],
    ...mapMessages["zh-CN"],
    ...checkMessages["zh-CN"],
    ...importPageMessages["zh-CN"],
    ...importMessages["zh-CN"],
    ...exportMessages["zh-CN"],
    ...campaignMessages["zh-CN"],
  },
  en: {
    ...en,
    ...validationMessages.en,
    ...superviseMessages.en,
    ...progressMessages.en,
    ...mapMessages.en,
    ...checkMessages.en,
    ...importPageMessages.en,
    ...importMessages.en,
    ...exportMessages.en,
    ...campaignMessages.en,
  },
} as const;

export type MessageKey = keyof (typeof catalogues)["zh-CN"];
export type MessageParams = Record<string, string | number>;
export type Translate = (key: MessageKey | (string & {}), params?: MessageParams) => string;

export function isLocale(value: unknown): value is Locale {
  return value === "zh-CN" || value === "en";
}

/** The locale chosen (a cookie value), else a language hint such as LANG for commands; Chinese is the default. */
export function negotiateLocale(chosen?: string | null, languageHint?: string | null): Locale {
  if (isLocale(chosen)) return chosen;
  if (languageHint && /^\s*en(?![a-z])/i.test(languageHint)) return "en";
  return DEFAULT_LOCALE;
}

export function hasMessage(key: string): key is MessageKey {
  return key in catalogues["zh-CN"];
}

export function createTranslator(locale: Locale): Translate {
  const messages = catalogues[locale] as Record<string, string>;
  return (key, params) => {
    const template = messages[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) =>
      name in params ? String(params[name]) : match,
    );
  };
}
