import type { ValidationKey } from "../i18n/validation";
import { toHalfWidth } from "./text";

export type MobileResult = { ok: true; value: string } | { ok: false; error: ValidationKey };
export type PhoneResult =
  | { ok: true; value: string; kind: "mobile" | "landline" }
  | { ok: false; error: ValidationKey };

const SEPARATORS = /[\s\-\u2010-\u2015()]/g;
const COUNTRY_PREFIX = /^(?:\+86|0086|86)(?=\d{11}$)/;

/**
 * Mainland mobile number, normalised to 11 digits. The prefix is not mapped to
 * a carrier: with number portability it says nothing reliable.
 */
export function parseMobile(input: string): MobileResult {
  const digits = toHalfWidth(input ?? "")
    .replace(SEPARATORS, "")
    .replace(COUNTRY_PREFIX, "");
  if (digits === "") return { ok: false, error: "validation.mobile.empty" };
  if (!/^\d+$/.test(digits)) return { ok: false, error: "validation.mobile.characters" };
  if (digits.length !== 11) return { ok: false, error: "validation.mobile.length" };
  if (!/^1[3-9]\d{9}$/.test(digits)) return { ok: false, error: "validation.mobile.format" };
  return { ok: true, value: digits };
}

// Beijing (010) and the 02x cities have 3-digit area codes, the rest 4; local
// numbers are 7–8 digits and never start with 0 or 1.
const LANDLINE = /^(0(?:10|2\d|[3-9]\d{2}))([2-9]\d{6,7})$/;
const EXTENSION = /(?:转|分机|ext\.?|x|#)(\d{1,6})$/i;

function landline(compact: string): string | null {
  const digits = compact
    .replace(SEPARATORS, "")
    // International form drops the trunk 0: +86 20 8312 3456.
    .replace(/^(?:\+86|0086)0?/, "0");
  const m = LANDLINE.exec(digits);
  return m ? `${m[1]}-${m[2]}` : null;
}

/**
 * A contact number: a mobile, or a landline with its area code, normalised to
 * "13812345678" or "020-83123456" (plus "-123" for an extension). Units and
 * many elderly residents can only be reached on a landline.
 */
export function parsePhone(input: string): PhoneResult {
  const text = toHalfWidth(input ?? "").trim();
  if (text.replace(SEPARATORS, "") === "") return { ok: false, error: "validation.phone.empty" };

  const mobile = parseMobile(text);
  if (mobile.ok) return { ok: true, value: mobile.value, kind: "mobile" };

  const compact = text.replace(/\s+/g, "");
  const whole = landline(compact);
  if (whole) return { ok: true, value: whole, kind: "landline" };
  // A trailing "-123" is only read as an extension once the whole failed, so
  // grouped numbers like 020-8312-3456 still parse.
  const ext = EXTENSION.exec(compact) ?? /-(\d{1,6})$/.exec(compact);
  const main = ext ? landline(compact.slice(0, ext.index)) : null;
  if (ext && main) return { ok: true, value: `${main}-${ext[1]}`, kind: "landline" };

  // Something that looks like a mobile gets the more precise mobile message.
  if (/^1/.test(compact.replace(SEPARATORS, ""))) return { ok: false, error: mobile.error };
  return { ok: false, error: "validation.phone.format" };
}
