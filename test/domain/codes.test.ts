import { describe, expect, expectTypeOf, it } from "vitest";
import {
  CODE_TABLES,
  type Code,
  codeLabel,
  codeValues,
  ETHNICITY,
  isCode,
  RELATION,
  relationContradictsSex,
  SEX,
  VISIT_OUTCOME,
  VISIT_OUTCOME_GROUP,
} from "@/domain/codes";

describe("code tables", () => {
  for (const [name, table] of Object.entries(CODE_TABLES)) {
    it(`${name} has unique codes and non-empty labels`, () => {
      expect(table.length).toBeGreaterThan(0);
      const codes = table.map((e) => e.code);
      expect(new Set(codes).size).toBe(codes.length);
      for (const e of table) {
        expect(e.code.trim()).toBe(e.code);
        expect(e.code).not.toBe("");
        expect(e.zh.trim()).not.toBe("");
        expect(e.en.trim()).not.toBe("");
      }
    });
  }

  it("ETHNICITY has all 56 peoples plus 97 and 98", () => {
    expect(ETHNICITY).toHaveLength(58);
    expect(ETHNICITY[0]).toMatchObject({ code: "01", zh: "汉族" });
    expect(ETHNICITY.find((e) => e.code === "56")?.zh).toBe("基诺族");
    expect(isCode(ETHNICITY, "97")).toBe(true);
    expect(isCode(ETHNICITY, "98")).toBe(true);
  });

  it("RELATION has the codes DOMAIN.md names", () => {
    for (const code of [
      "01",
      "02",
      "10",
      "20",
      "30",
      "40",
      "41",
      "48",
      "50",
      "51",
      "52",
      "60",
      "70",
      "97",
      "99",
    ]) {
      expect(isCode(RELATION, code)).toBe(true);
    }
  });

  it("every visit outcome is in a known group; only no-contact outcomes need a revisit", () => {
    const groups = new Set(VISIT_OUTCOME_GROUP.map((g) => g.code));
    for (const o of VISIT_OUTCOME) expect(groups.has(o.group)).toBe(true);
    const revisit = VISIT_OUTCOME.filter((o) => o.needsRevisit).map((o) => o.code);
    expect(revisit.sort()).toEqual(["no_answer", "refused"]);
    for (const o of VISIT_OUTCOME) expect(o.code).toMatch(/^[a-z]+(?:_[a-z]+)*$/);
  });

  it("derives code unions at the type level", () => {
    expectTypeOf<Code<typeof SEX>>().toEqualTypeOf<"0" | "1" | "2" | "9">();
    const values = codeValues(SEX);
    expect(values).toEqual(["0", "1", "2", "9"]);
  });
});

describe("codeLabel and isCode", () => {
  it("returns the label in the locale", () => {
    expect(codeLabel(SEX, "1", "zh-CN")).toBe("男");
    expect(codeLabel(SEX, "2", "en")).toBe("Female");
  });

  it("returns an unknown code unchanged and empty for no code", () => {
    expect(codeLabel(SEX, "7", "zh-CN")).toBe("7");
    expect(codeLabel(SEX, "", "en")).toBe("");
    expect(codeLabel(SEX, null, "en")).toBe("");
    expect(codeLabel(SEX, undefined, "en")).toBe("");
  });

  it("isCode narrows and refuses non-strings", () => {
    const v: unknown = "1";
    if (isCode(SEX, v)) expectTypeOf(v).toEqualTypeOf<"0" | "1" | "2" | "9">();
    expect(isCode(SEX, "1")).toBe(true);
    expect(isCode(SEX, "3")).toBe(false);
    expect(isCode(SEX, 1)).toBe(false);
    expect(isCode(SEX, null)).toBe(false);
  });
});

describe("relationContradictsSex", () => {
  it("flags 妻 for a man and 长子 for a woman, and nothing for a generic relation or an unknown sex", () => {
    expect(relationContradictsSex("12", "1")).toBe(true); // 妻, 男
    expect(relationContradictsSex("22", "2")).toBe(true); // 长子, 女
    expect(relationContradictsSex("52", "1")).toBe(true); // 母亲, 男
    expect(relationContradictsSex("11", "1")).toBe(false); // 夫, 男
    expect(relationContradictsSex("32", "2")).toBe(false); // 长女, 女
    expect(relationContradictsSex("10", "1")).toBe(false); // 配偶
    expect(relationContradictsSex("02", "2")).toBe(false); // 户主
    expect(relationContradictsSex("12", "9")).toBe(false); // 未说明
    expect(relationContradictsSex(null, "1")).toBe(false);
  });
});
