import { describe, expect, it } from "vitest";
import {
  birthDateFromCitizenId,
  citizenIdCheckChar,
  parseCitizenId,
  sexFromCitizenId,
} from "@/domain/validators";

// Builds a number with a correct check character, so a test fails for the
// reason it names and not for the checksum.
function withCheck(first17: string): string {
  return first17 + citizenIdCheckChar(first17);
}

const TODAY = new Date(2024, 5, 15); // 2024-06-15, local time

describe("citizenIdCheckChar", () => {
  it("computes the standard's examples", () => {
    expect(citizenIdCheckChar("11010519491231002")).toBe("X");
    expect(citizenIdCheckChar("44052418800101001")).toBe("4");
    expect(citizenIdCheckChar("44010419500101002")).toBe("0");
    expect(citizenIdCheckChar("44010419391005123")).toBe("4");
  });

  it("ignores an 18th character and refuses non-digits", () => {
    expect(citizenIdCheckChar("11010519491231002X")).toBe("X");
    expect(() => citizenIdCheckChar("1101051949123100A")).toThrow(RangeError);
    expect(() => citizenIdCheckChar("123")).toThrow(RangeError);
  });
});

describe("parseCitizenId: valid numbers", () => {
  it("accepts GB 11643's own example with X", () => {
    const r = parseCitizenId("11010519491231002X", TODAY);
    expect(r).toEqual({
      ok: true,
      value: "11010519491231002X",
      birthDate: "1949-12-31",
      sex: "2",
      areaCode: "110105",
      upgradedFrom15: false,
      warnings: [],
    });
  });

  it("accepts GB 11643's 1880 example", () => {
    const r = parseCitizenId("440524188001010014", TODAY);
    expect(r.ok && r.birthDate).toBe("1880-01-01");
    expect(r.ok && r.sex).toBe("1");
  });

  it("accepts the synthetic examples", () => {
    const a = parseCitizenId("440104195001010020", TODAY);
    expect(a.ok && [a.birthDate, a.sex, a.areaCode]).toEqual(["1950-01-01", "2", "440104"]);
    const b = parseCitizenId("440104193910051234", TODAY);
    expect(b.ok && [b.birthDate, b.sex]).toEqual(["1939-10-05", "1"]);
  });

  it("normalises lower-case x, spaces and full-width digits", () => {
    for (const input of [
      "11010519491231002x",
      "  110105 19491231 002x ",
      "１１０１０５１９４９１２３１００２ｘ",
    ]) {
      const r = parseCitizenId(input, TODAY);
      expect(r.ok && r.value).toBe("11010519491231002X");
    }
  });

  it("upgrades a 15-digit legacy number", () => {
    const r = parseCitizenId("350303900203307", TODAY);
    expect(r).toMatchObject({
      ok: true,
      value: "350303199002033073",
      birthDate: "1990-02-03",
      sex: "1",
      upgradedFrom15: true,
    });
  });

  it("accepts an unknown county code in a real province", () => {
    expect(parseCitizenId(withCheck("44999919800101001"), TODAY).ok).toBe(true);
  });

  it("accepts 71, 81, 82 and 83", () => {
    for (const p of ["71", "81", "82", "83"]) {
      expect(parseCitizenId(withCheck(`${p}000019800101001`), TODAY).ok).toBe(true);
    }
  });

  it("accepts a birth date of today and 29 February in a leap year", () => {
    expect(parseCitizenId(withCheck("44010420240615001"), TODAY).ok).toBe(true);
    expect(parseCitizenId(withCheck("44010420000229001"), TODAY).ok).toBe(true);
  });

  it("has helpers for sex and birth date", () => {
    expect(sexFromCitizenId("440104193910051234")).toBe("1");
    expect(birthDateFromCitizenId("440104193910051234")).toBe("1939-10-05");
    expect(sexFromCitizenId("bad")).toBeNull();
    expect(birthDateFromCitizenId("bad")).toBeNull();
  });
});

describe("parseCitizenId: each kind of error has its own key", () => {
  const cases: [string, string, string][] = [
    ["empty", "", "validation.citizenId.empty"],
    ["only spaces", "   ", "validation.citizenId.empty"],
    ["17 digits", "44010419500101002", "validation.citizenId.length"],
    ["19 digits", "4401041950010100200", "validation.citizenId.length"],
    ["16 digits", "3503039002033071", "validation.citizenId.length"],
    ["a letter inside", "44010419A00101002", "validation.citizenId.characters"],
    ["a letter inside, 18 long", "4401041950A1010020", "validation.citizenId.characters"],
    ["X not at the end", "4401041950010100X0", "validation.citizenId.characters"],
    ["X in a 15-digit number", "35030390020330X", "validation.citizenId.characters"],
    ["punctuation", "440104-19500101-0020", "validation.citizenId.characters"],
    ["unknown province 00", withCheck("00010419500101002"), "validation.citizenId.province"],
    ["unknown province 99", withCheck("99010419500101002"), "validation.citizenId.province"],
    ["unknown province 16", withCheck("16010419500101002"), "validation.citizenId.province"],
    ["30 February", withCheck("44010420230230001"), "validation.citizenId.birthDate"],
    ["29 February, not a leap year", withCheck("44010419990229001"), "validation.citizenId.birthDate"],
    ["month 13", withCheck("44010419991301001"), "validation.citizenId.birthDate"],
    ["day 00", withCheck("44010419990100001"), "validation.citizenId.birthDate"],
    ["born tomorrow", withCheck("44010420240616001"), "validation.citizenId.birthFuture"],
    ["born next century", withCheck("44010421000101001"), "validation.citizenId.birthFuture"],
    ["born 1879", withCheck("44010418791231001"), "validation.citizenId.birthTooEarly"],
    ["wrong check character", "440104195001010021", "validation.citizenId.checksum"],
    ["X where a digit belongs", "44010419500101002X", "validation.citizenId.checksum"],
    ["digit where X belongs", "110105194912310020", "validation.citizenId.checksum"],
  ];
  for (const [label, input, key] of cases) {
    it(label, () => {
      expect(parseCitizenId(input, TODAY)).toEqual({ ok: false, error: key });
    });
  }

  it("treats a missing value as empty rather than throwing", () => {
    expect(parseCitizenId(undefined as unknown as string)).toEqual({
      ok: false,
      error: "validation.citizenId.empty",
    });
  });

  it("defaults `today` to now", () => {
    expect(parseCitizenId(withCheck("44010429990101001")).ok).toBe(false);
    expect(parseCitizenId("440104195001010020").ok).toBe(true);
  });
});
