// The multiple-choice readers written by hand for the push's speed (compile.ts isBlankUnit,
// countTokens, hasToken; evaluate.ts's select_multiple check) against what they replace: the
// regular expressions \s and split(/\s+/), and the tree-walking reference's verdicts.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countTokens, hasToken, isBlankUnit } from "@/domain/questionnaire/compile";
import { parseDefinition, sheetRows } from "@/domain/questionnaire/definition";
import { validateAnswers } from "@/domain/questionnaire/evaluate";
import * as reference from "./reference-evaluate";

/** Every unit \s matches, and neighbours of each that it does not. */
const BLANKS = ["\t", "\n", "\v", "\f", "\r", " ", "\u00a0", "\u1680", "\u2000", "\u200a", "\u2028"];
const PIECES = ["a", "b", "ab", "none", "meal", "\u200b", "\u3000", "\ufeff", "\u205f", "\u202f", "x\u00a0y"];
const text = fc
  .array(fc.constantFrom(...BLANKS, ...PIECES, "\u2029", "\u180e", "\u0085"), { maxLength: 8 })
  .map((parts) => parts.join(""));

describe("multiple-choice readers", () => {
  it("isBlankUnit is \\s for every UTF-16 unit", () => {
    for (let c = 0; c <= 0xffff; c++) {
      expect(isBlankUnit(c), c.toString(16)).toBe(/\s/.test(String.fromCharCode(c)));
    }
  });

  it("countTokens and hasToken read as split(/\\s+/) does", () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...PIECES, "a b", "", " a"), (list, token) => {
        const pieces = list.split(/\s+/);
        expect(countTokens(list)).toBe(pieces.filter(Boolean).length);
        const t = token.trim();
        expect(hasToken(list, t)).toBe(t !== "" && (list === t || pieces.includes(t)));
      }),
      { numRuns: 2000 },
    );
  });

  it("a select_multiple answer is refused exactly when the reference refuses it", () => {
    const parsed = parseDefinition({
      survey: sheetRows([
        ["type", "name", "label"],
        ["select_multiple needs", "m", "M"],
      ]),
      choices: sheetRows([
        ["list_name", "name", "label"],
        ["needs", "a", "A"],
        ["needs", "b", "B"],
        ["needs", "ab", "AB"],
        ["needs", "none", "None"],
      ]),
      settings: sheetRows([["form_id"], ["t"]]),
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const ctx = { now: new Date("2026-11-20T10:00:00+08:00") };
    // Twice each: the second meets the answers the first found to fit (kept per question).
    fc.assert(
      fc.property(text, (m) => {
        for (let i = 0; i < 2; i++) {
          expect(validateAnswers(parsed.definition, { m }, ctx)).toEqual(
            reference.validateAnswers(parsed.definition, { m }, ctx),
          );
        }
      }),
      { numRuns: 2000 },
    );
    // Written down: duplicates, a piece not offered, blanks of every kind between pieces.
    const refused = (m: string) => validateAnswers(parsed.definition, { m }, ctx).length > 0;
    expect(refused("a\u3000b")).toBe(false);
    expect(refused("a a")).toBe(true);
    expect(refused("a\u200bb")).toBe(true);
    expect(refused(" \u00a0")).toBe(true);
  });
});
