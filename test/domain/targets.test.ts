import { describe, expect, it } from "vitest";
import { birthDateBounds, targetQuery, yearsBefore } from "@/domain/targets";

describe("a target query", () => {
  it("reads an untouched form as no condition", () => {
    expect(targetQuery.parse({ subject: "person" })).toEqual({
      subject: "person",
      ageMin: null,
      ageMax: null,
      ageAt: null,
      sex: [],
      personType: [],
      hukouCategory: [],
      disability: null,
      lowIncome: null,
      unemployed: null,
      leftBehind: [],
      arrivalFrom: null,
      arrivalTo: null,
    });
    expect(targetQuery.parse({ subject: "rental", ageAt: "" })).toEqual({
      subject: "rental",
      use: [],
      overOccupied: null,
      hazardLevel: [],
    });
  });

  it("refuses ranges upside down, unknown codes and bad dates, with message keys", () => {
    const messages = (input: unknown) => {
      const result = targetQuery.safeParse(input);
      return result.success ? [] : result.error.issues.map((issue) => [issue.path.join("."), issue.message]);
    };
    expect(messages({ subject: "person", ageMin: 70, ageMax: 60 })).toEqual([
      ["ageMax", "targets.error.ageRange"],
    ]);
    expect(messages({ subject: "household", sizeMin: 5, sizeMax: 2 })).toEqual([
      ["sizeMax", "targets.error.sizeRange"],
    ]);
    expect(messages({ subject: "person", arrivalFrom: "2026-02-30" })).toEqual([
      ["arrivalFrom", "validation.date.invalid"],
    ]);
    expect(messages({ subject: "unit", industry: ["ZZ"] })[0]?.[0]).toBe("industry.0");
    expect(messages({ subject: "nobody" })).toHaveLength(1);
  });
});

describe("ages as birth dates", () => {
  it("counts whole years back, 29 February landing on the 28th in a common year", () => {
    expect(yearsBefore("2026-12-31", 60)).toBe("1966-12-31");
    expect(yearsBefore("2028-02-29", 1)).toBe("2027-02-28");
    expect(yearsBefore("2028-02-29", 4)).toBe("2024-02-29");
  });

  it("aged 60 to 69 on 2026-12-31: born after 1956-12-31 and on or before 1966-12-31", () => {
    expect(birthDateBounds("2026-12-31", 60, 69)).toEqual({
      bornOnOrBefore: "1966-12-31",
      bornAfter: "1956-12-31",
    });
    expect(birthDateBounds("2026-06-01", null, 17)).toEqual({
      bornOnOrBefore: null,
      bornAfter: "2008-06-01",
    });
  });
});
