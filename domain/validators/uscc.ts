import type { ValidationKey } from "../i18n/validation";
import { toHalfWidth } from "./text";

// GB 32100-2015: I O S V Z are left out so they cannot be confused with 1 0 5 U 2.
export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
// GB 11714-1997 organisation code, embedded as characters 9–17.
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

export type UsccResult =
  | { ok: true; value: string; warnings: ValidationKey[] }
  | { ok: false; error: ValidationKey };

/** Check character for the first 17 characters. Throws outside the alphabet. */
export function usccCheckChar(first17: string): string {
  const body = first17.slice(0, 17);
  if (body.length !== 17) throw new RangeError("usccCheckChar needs 17 characters");
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(body[i]);
    if (value < 0) throw new RangeError(`usccCheckChar: "${body[i]}" is not in the USCC alphabet`);
    sum += value * USCC_WEIGHTS[i];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** GB 11714 check character for an 8-character organisation code body. */
export function orgCodeCheckChar(first8: string): string {
  const body = first8.slice(0, 8);
  if (!/^[0-9A-Z]{8}$/.test(body)) throw new RangeError("orgCodeCheckChar needs 8 digits or capitals");
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const code = body.charCodeAt(i);
    // Digits are their value, letters A=10 … Z=35.
    const value = code <= 57 ? code - 48 : code - 55;
    sum += value * ORG_WEIGHTS[i];
  }
  const c = 11 - (sum % 11);
  return c === 10 ? "X" : c === 11 ? "0" : String(c);
}

/** The code as stored: half-width, no spaces, upper case. */
export function normaliseUscc(input: string): string {
  return toHalfWidth(input ?? "")
    .replace(/\s+/g, "")
    .toUpperCase();
}

export function parseUscc(input: string): UsccResult {
  const raw = normaliseUscc(input);
  if (raw === "") return { ok: false, error: "validation.uscc.empty" };
  for (const ch of raw) {
    if (!USCC_ALPHABET.includes(ch)) return { ok: false, error: "validation.uscc.characters" };
  }
  if (raw.length !== 18) return { ok: false, error: "validation.uscc.length" };
  if (raw[17] !== usccCheckChar(raw)) return { ok: false, error: "validation.uscc.checksum" };

  // Registries really do contain codes whose embedded organisation code fails
  // its own check while the whole code is valid, so this only warns.
  const warnings: ValidationKey[] = [];
  if (raw[16] !== orgCodeCheckChar(raw.slice(8, 16))) warnings.push("validation.uscc.orgCodeChecksum");
  return { ok: true, value: raw, warnings };
}
