/**
 * Field-level merge: what happens to one field an officer changed, given what the server holds now.
 * Pure, so the server's push, the property tests and the phone's conflict screen agree on it.
 */

/** "" and undefined mean "no value" on a form; the register says null. */
export function normaliseValue(value: unknown): unknown {
  if (value === undefined || value === "") return null;
  return value;
}

// Built with += rather than entries, map and join: the push hashes every payload with it, and a
// visit with a 30-row questionnaire is hundreds of values. The text must never change (the ledger
// keeps these hashes to recognise a replay): keys sorted by UTF-16 code unit, undefined left out.
function stableJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i > 0 ? "," : "") + stableJson(value[i]);
    return `${out}]`;
  }
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    let out = "{";
    let first = true;
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      out += `${first ? "" : ","}${JSON.stringify(key)}:${stableJson(item)}`;
      first = false;
    }
    return `${out}}`;
  }
  return JSON.stringify(value ?? null);
}

/** JSON with sorted keys: equal values give equal text, whatever order their keys came in. */
export const canonicalJson = stableJson;

/** A number written out: "38.50", "-2", "1e+21", "Infinity" — not "", " ", "0x10" or "true". */
const NUMERIC = /^[-+]?((\d+\.?\d*|\.\d+)(e[-+]?\d+)?|Infinity)$/i;

function asNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isNaN(value) ? null : value;
  if (typeof value === "string" && NUMERIC.test(value.trim())) return Number(value.trim());
  return null;
}

/** Two field values are the same fact: "" = null, 38.5 = "38.50", objects by content. */
export function sameValue(a: unknown, b: unknown): boolean {
  const x = normaliseValue(a);
  const y = normaliseValue(b);
  if (x === y) return true;
  if (x === null || y === null) return false;
  // Numeric columns arrive as numbers or numeric strings ("38.50") depending on the driver; anything
  // else beside a number (an object, a flag, a blank) is simply a different value.
  if (typeof x === "number" || typeof y === "number") {
    const a = asNumber(x);
    const b = asNumber(y);
    return a !== null && b !== null && a === b;
  }
  if (typeof x === "object" || typeof y === "object") return stableJson(x) === stableJson(y);
  return false;
}

/**
 * - `apply`: the server still holds what the officer saw, so their value goes in;
 * - `unchanged`: the server already holds the officer's value, nothing to do;
 * - `conflict`: someone else changed it meanwhile; keep both, overwrite nothing.
 */
export type MergeDecision = "apply" | "unchanged" | "conflict";

export function mergeField(serverValue: unknown, seenValue: unknown, newValue: unknown): MergeDecision {
  if (sameValue(serverValue, newValue)) return "unchanged";
  if (sameValue(serverValue, seenValue)) return "apply";
  return "conflict";
}
