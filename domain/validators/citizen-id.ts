import type { ValidationKey } from "../i18n/validation";
import { isRealDate, toIsoDate } from "./date";
import { toHalfWidth } from "./text";

// GB 11643-1999 / ISO 7064 MOD 11-2.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = "10X98765432";

// The province must be known. County codes are abolished and merged all the
// time, and old cards keep their old codes for life, so an unknown county is
// only a warning, and only where the caller has the county table (./area.ts).
// 81/82/83 also cover the residence permits of Hong Kong, Macao and Taiwan
// residents.
export const PROVINCE_CODES: ReadonlySet<string> = new Set(
  [
    "11 12 13 14 15",
    "21 22 23",
    "31 32 33 34 35 36 37",
    "41 42 43 44 45 46",
    "50 51 52 53 54",
    "61 62 63 64 65",
    "71 81 82 83",
  ]
    .join(" ")
    .split(" "),
);

// 1880, not later: GB 11643's own example (440524188001010014) is born in 1880,
// and registers still hold records of very old and deceased people.
export const MIN_BIRTH_YEAR = 1880;

export type CitizenIdResult =
  | {
      ok: true;
      /** Normalised: 18 characters, upper-case X. */
      value: string;
      /** YYYY-MM-DD */
      birthDate: string;
      /** GB/T 2261.1: "1" male, "2" female. */
      sex: "1" | "2";
      areaCode: string;
      upgradedFrom15: boolean;
      warnings: ValidationKey[];
    }
  | { ok: false; error: ValidationKey };

/**
 * Check character for the first 17 digits (extra characters are ignored).
 * Throws on non-digits: callers validate the shape first.
 */
export function citizenIdCheckChar(first17: string): string {
  const body = first17.slice(0, 17);
  if (!/^\d{17}$/.test(body)) throw new RangeError("citizenIdCheckChar needs 17 digits");
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

function fail(error: ValidationKey): CitizenIdResult {
  return { ok: false, error };
}

/**
 * `knownArea`, when given, judges the 6-digit area code: false adds the warning
 * validation.citizenId.county. It is passed in rather than imported so the
 * table stays out of the bundles that use this validator (./area.ts).
 */
export function parseCitizenId(
  input: string,
  today: Date = new Date(),
  knownArea?: (areaCode: string) => boolean,
): CitizenIdResult {
  const raw = toHalfWidth(input ?? "")
    .replace(/\s+/g, "")
    .toUpperCase();
  if (raw === "") return fail("validation.citizenId.empty");
  if (!/^[0-9X]+$/.test(raw)) return fail("validation.citizenId.characters");
  if (raw.length !== 15 && raw.length !== 18) return fail("validation.citizenId.length");

  const upgradedFrom15 = raw.length === 15;
  if (upgradedFrom15 ? !/^\d{15}$/.test(raw) : !/^\d{17}[0-9X]$/.test(raw)) {
    return fail("validation.citizenId.characters");
  }
  // Legacy cards were issued only to people born in the 1900s.
  const first17 = upgradedFrom15 ? `${raw.slice(0, 6)}19${raw.slice(6)}` : raw.slice(0, 17);

  if (!PROVINCE_CODES.has(first17.slice(0, 2))) return fail("validation.citizenId.province");

  const year = Number(first17.slice(6, 10));
  const month = Number(first17.slice(10, 12));
  const day = Number(first17.slice(12, 14));
  if (!isRealDate(year, month, day)) return fail("validation.citizenId.birthDate");
  if (year < MIN_BIRTH_YEAR) return fail("validation.citizenId.birthTooEarly");
  const birthDate = `${first17.slice(6, 10)}-${first17.slice(10, 12)}-${first17.slice(12, 14)}`;
  if (birthDate > toIsoDate(today)) return fail("validation.citizenId.birthFuture");

  // Date problems are reported before the checksum because they point the
  // officer at the digits to re-read; a typo there breaks the checksum too.
  const check = citizenIdCheckChar(first17);
  if (!upgradedFrom15 && raw[17] !== check) return fail("validation.citizenId.checksum");

  const areaCode = first17.slice(0, 6);
  return {
    ok: true,
    value: first17 + check,
    birthDate,
    sex: Number(first17[16]) % 2 === 1 ? "1" : "2",
    areaCode,
    upgradedFrom15,
    warnings: knownArea && !knownArea(areaCode) ? ["validation.citizenId.county"] : [],
  };
}

export function sexFromCitizenId(input: string): "1" | "2" | null {
  const r = parseCitizenId(input);
  return r.ok ? r.sex : null;
}

export function birthDateFromCitizenId(input: string): string | null {
  const r = parseCitizenId(input);
  return r.ok ? r.birthDate : null;
}
