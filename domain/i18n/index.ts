import type { campaignMessages } from "./campaigns";
import type { checkMessages } from "./check";
import type { exportMessages } from "./export";
import type { importMessages } from "./import";
import type { importPageMessages } from "./import-page";
import type { mapMessages } from "./map";
import { en, zhCN } from "./messages";
import type { progressMessages } from "./progress";
import type { superviseMessages } from "./supervise";
import type { userMessages } from "./users";
import { validationMessages } from "./validation";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";
export const LOCALE_COOKIE = "doorstep_locale";

/**
 * The catalogue every page carries: the UI's shared messages and the validators'. Each other screen
 * family's messages (the supervisor's, the resident's, imports…) are a bundle its pages register with
 * `registerMessages`, so the officer's field app does not carry them (it has a JavaScript budget); the
 * server registers every bundle (`./all`).
 */
const core = {
  "zh-CN": { ...zhCN, ...validationMessages["zh-CN"] },
  en: { ...en, ...validationMessages.en },
} as const;

/** A screen family's messages, zh-CN and English with the same keys. */
export type MessageBundle = { "zh-CN": Record<string, string>; en: Record<string, string> };

const registered: Record<Locale, Record<string, string>> = { "zh-CN": {}, en: {} };

export function registerMessages(bundle: MessageBundle): void {
  Object.assign(registered["zh-CN"], bundle["zh-CN"]);
  Object.assign(registered.en, bundle.en);
}

type Keys<B extends MessageBundle> = keyof B["zh-CN"];

export type MessageKey =
  | keyof (typeof core)["zh-CN"]
  | Keys<typeof superviseMessages>
  | Keys<typeof progressMessages>
  | Keys<typeof mapMessages>
  | Keys<typeof checkMessages>
  | Keys<typeof importPageMessages>
  | Keys<typeof importMessages>
  | Keys<typeof exportMessages>
  | Keys<typeof campaignMessages>
  | Keys<typeof userMessages>;
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
  return key in core["zh-CN"] || key in registered["zh-CN"];
}

export function createTranslator(locale: Locale): Translate {
  const messages = core[locale] as Record<string, string>;
  // Looked up at each call: a bundle registered after the translator was made still counts.
  const more = registered[locale];
  return (key, params) => {
    const template = messages[key] ?? more[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) =>
      name in params ? String(params[name]) : match,
    );
  };
}
