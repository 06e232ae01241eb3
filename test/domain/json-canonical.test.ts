// The push's walks of every payload: canonicalJson (the ledger's hash of a mutation, so its text may
// never change, or a replay stops being recognised) and jsonValueProblem (what the server will store).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JSON_VALUE_MAX_DEPTH, jsonValueProblem } from "@/domain/json-value";
import { canonicalJson } from "@/domain/merge";

/** The text as the ledger's stored hashes were made (the first implementation, kept here to compare). */
function ledgerText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(ledgerText).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${ledgerText(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

describe("canonicalJson", () => {
  it("sorts keys at every level, leaves out undefined, writes null for a missing value", () => {
    expect(
      canonicalJson({ b: 1, a: [{ z: "x", y: null, w: undefined }, "二", true], c: undefined, B: 2.5 }),
    ).toBe('{"B":2.5,"a":[{"y":null,"z":"x"},"二",true],"b":1}');
    expect(canonicalJson([])).toBe("[]");
    expect(canonicalJson({})).toBe("{}");
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson([undefined, 1])).toBe("[null,1]");
    expect(canonicalJson({ "\u00e9": 1, e: 2, "\ud83d\ude00": 3, "": 4 })).toBe('{"":4,"e":2,"é":1,"😀":3}');
  });

  it("writes every JSON value exactly as the ledger's hashes were made", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(ledgerText(value));
      }),
      { numRuns: 500 },
    );
  });
});

describe("jsonValueProblem", () => {
  const nested = (depth: number): unknown => {
    let value: unknown = "x";
    for (let i = 0; i < depth; i++) value = { k: value };
    return value;
  };

  it("passes well-formed values up to the depth, refuses deeper ones and malformed text in keys or values", () => {
    expect(jsonValueProblem({ a: [1, "二", null, { b: true }] })).toBeNull();
    expect(jsonValueProblem(nested(JSON_VALUE_MAX_DEPTH))).toBeNull();
    expect(jsonValueProblem(nested(JSON_VALUE_MAX_DEPTH + 1))).toBe("validation.json.tooDeep");
    expect(jsonValueProblem(nested(3), 2)).toBe("validation.json.tooDeep");
    expect(jsonValueProblem({ rows: [{ r0: "a\u0000b" }] })).toBe("validation.text.malformed");
    expect(jsonValueProblem({ rows: [{ "\ud800": "a" }] })).toBe("validation.text.malformed");
    expect(jsonValueProblem(["ok", "\udc00"])).toBe("validation.text.malformed");
    // Iterative: a value nested far beyond any stack is refused, not a crash.
    expect(jsonValueProblem(nested(100_000))).toBe("validation.json.tooDeep");
  });
});
