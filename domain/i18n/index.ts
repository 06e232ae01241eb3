import type { campaignMessages } from "./campaigns";
import type { checkMessages } from "./check";
import type { exportMessages } from "./export";
import type { importMessages } from "./import";
import type { importPageMessages } from "./import-page";
import type { mapMessages } from "./map";
import { zhCN } from "./messages";
import type { progressMessages } from "./progress";
import type { questionnaireMessages } from "./questionnaire";
import type { questionnaireDefinitionMessages } from "./questionnaire-definition";
import type { questionnaireUploadMessages } from "./questionnaire-upload";
import type { superviseMessages } from "./supervise";
import type { userMessages } from "./users";
import { validationZh } from "./validation";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";
export const LOCALE_COOKIE = "doorstep_locale";

/**
 * The catalogue every page carries: the UI's shared messages and the validators', in Chinese. English
 * is registered by `./english`, which a page loads when its reader chooses English (the officer's field
 * app has a JavaScript budget, and most readers never switch); the server, commands, tests and the
 * supervisor's pages load it with every bundle (`./all`). Each other screen family's messages (the
 * supervisor's, the resident's, imports…) are a bundle its pages register with `registerMessages`.
 */
const chinese = { ...zhCN, ...validationZh } as const;
const core: Record<Locale, Record<string, string>> = { "zh-CN": chinese, en: {} };

/** Adds a language's core catalogue (./english does, for English). */
export function registerCore(locale: Locale, messages: Record<string, string>): void {
  Object.assign(core[locale], messages);
}

/** Whether a language's core catalogue is here (Chinese always is). */
export function localeLoaded(locale: Locale): boolean {
  return Object.keys(core[locale]).length > 0;
}

/** A screen family's messages, zh-CN and English with the same keys. */
export type MessageBundle = { "zh-CN": Record<string, string>; en: Record<string, string> };

const registered: Record<Locale, Record<string, string>> = { "zh-CN": {}, en: {} };

export function registerMessages(bundle: MessageBundle): void {
  Object.assign(registered["zh-CN"], bundle["zh-CN"]);
  Object.assign(registered.en, bundle.en);
}

type Keys<B extends MessageBundle> = keyof B["zh-CN"];

export type MessageKey =
  | keyof typeof chinese
  | Keys<typeof superviseMessages>
  | Keys<typeof progressMessages>
  | Keys<typeof mapMessages>
  | Keys<typeof checkMessages>
  | Keys<typeof importPageMessages>
  | Keys<typeof importMessages>
  | Keys<typeof exportMessages>
  | Keys<typeof campaignMessages>
  | Keys<typeof userMessages>
  | Keys<typeof questionnaireMessages>
  | Keys<typeof questionnaireDefinitionMessages>
  | Keys<typeof questionnaireUploadMessages>;
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

const PLURAL = /\{(\w+),\s*plural,/g;

/**
 * ICU's plural form, the part of it English needs: `{count, plural, one {# room} other {# rooms}}`
 * (also `=0 {…}`), `#` standing for the number. Chinese messages never need it (one form for all).
 */
function plurals(template: string, params: MessageParams, rules: Intl.PluralRules): string {
  let out = "";
  let from = 0;
  PLURAL.lastIndex = 0;
  for (let match = PLURAL.exec(template); match; match = PLURAL.exec(template)) {
    // The options run to the brace that closes the one the match opened.
    let depth = 1;
    let end = PLURAL.lastIndex;
    for (; end < template.length && depth > 0; end++) {
      if (template[end] === "{") depth++;
      else if (template[end] === "}") depth--;
    }
    const options = new Map<string, string>();
    const body = template.slice(PLURAL.lastIndex, end - 1);
    for (let i = 0; i < body.length; ) {
      const head = /\s*(=\d+|\w+)\s*\{/y;
      head.lastIndex = i;
      const found = head.exec(body);
      if (!found) break;
      let inner = 1;
      let j = head.lastIndex;
      for (; j < body.length && inner > 0; j++) {
        if (body[j] === "{") inner++;
        else if (body[j] === "}") inner--;
      }
      options.set(found[1], body.slice(head.lastIndex, j - 1));
      i = j;
    }
    // A count not given shows as its placeholder, as a plain `{name}` would.
    const given = match[1] in params;
    const n = Number(params[match[1]]);
    const chosen =
      (given ? (options.get(`=${n}`) ?? options.get(rules.select(n))) : undefined) ??
      options.get("other") ??
      "";
    out +=
      template.slice(from, match.index) +
      chosen.replaceAll("#", given ? String(params[match[1]]) : `{${match[1]}}`);
    from = end;
    PLURAL.lastIndex = end;
  }
  return out + template.slice(from);
}

export function createTranslator(locale: Locale): Translate {
  const messages = core[locale];
  // Looked up at each call: a bundle registered after the translator was made still counts.
  const more = registered[locale];
  const rules = new Intl.PluralRules(locale);
  return (key, params) => {
    // English not loaded yet (or a key missing in it): Chinese rather than a bare key.
    const template = messages[key] ?? more[key] ?? core["zh-CN"][key] ?? registered["zh-CN"][key] ?? key;
    if (!params) return template;
    const chosen = template.includes(", plural,") ? plurals(template, params, rules) : template;
    return chosen.replace(/\{(\w+)\}/g, (match, name: string) =>
      name in params ? String(params[name]) : match,
    );
  };
}
