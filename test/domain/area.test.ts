import { describe, expect, it } from "vitest";
import { DISTRICT, GUANGZHOU_DISTRICTS, MIGRANT_ORIGINS } from "@/db/seed/places";
import { citizenIdCheckChar, parseCitizenId } from "@/domain/validators";
import { isKnownAreaCode, parseCitizenIdWithArea } from "@/domain/validators/area";

const withCheck = (first17: string) => first17 + citizenIdCheckChar(first17);
const TODAY = new Date(2024, 5, 15);

describe("the GB/T 2260 table", () => {
  it.each([
    ["440104", "越秀区, today"],
    ["440102", "东山区, merged into 越秀 in 2005"],
    ["440524", "潮阳县, GB 11643's own example, 潮阳市 since 1993"],
    ["110103", "崇文区, abolished in 2010"],
    ["440118", "增城区, made in 2014"],
    ["330112", "临安区, made in 2017"],
    ["350303", "涵江区, DOMAIN.md's 15-digit example"],
    ["440100", "广州市, a prefecture's own code"],
    ["810000", "Hong Kong residents' residence permits"],
    ["830000", "Taiwan residents' residence permits"],
  ])("knows %s (%s)", (code) => {
    expect(isKnownAreaCode(code)).toBe(true);
  });

  it.each([
    ["440199", "Guangzhou has no county 99"],
    ["449999", "Guangdong has no prefecture 99"],
    ["110199", "Beijing has no district 99"],
    ["4401", "too short"],
    ["44010x", "not digits"],
    ["__prot", "not a key of the table"],
  ])("does not know %s (%s)", (code) => {
    expect(isKnownAreaCode(code)).toBe(false);
  });

  it("knows every area code the demo generator puts on ID cards, so re-imported demo data warns of none", () => {
    const codes = [
      DISTRICT.code,
      ...GUANGZHOU_DISTRICTS.map(([district]) => district.code),
      ...MIGRANT_ORIGINS.map(([origin]) => origin.code),
    ];
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter((code) => !isKnownAreaCode(code))).toEqual([]);
  });
});

describe("the citizen-ID county warning", () => {
  it("warns of an unknown county code under a known province, and still accepts the ID", () => {
    const id = withCheck("44019919800101001");
    expect(parseCitizenIdWithArea(id, TODAY)).toEqual({
      ok: true,
      value: id,
      birthDate: "1980-01-01",
      sex: "1",
      areaCode: "440199",
      upgradedFrom15: false,
      warnings: ["validation.citizenId.county"],
    });
    // Without the table (the officer's form) the same ID has no warning.
    expect(parseCitizenId(id, TODAY)).toMatchObject({ ok: true, warnings: [] });
  });

  it("has no warning for DOMAIN.md's examples, current and abolished counties, old and new cards", () => {
    for (const id of [
      "11010519491231002X",
      "440524188001010014",
      "440104195001010020",
      "440104193910051234",
      "350303900203307",
      withCheck("44010219550505002"),
    ]) {
      expect(parseCitizenIdWithArea(id, TODAY), id).toMatchObject({ ok: true, warnings: [] });
    }
  });

  it("warns of an unknown county on a 15-digit card too", () => {
    expect(parseCitizenIdWithArea("449999900203307", TODAY)).toMatchObject({
      ok: true,
      upgradedFrom15: true,
      warnings: ["validation.citizenId.county"],
    });
  });

  it("an unknown province is still a refusal, not a warning", () => {
    expect(parseCitizenIdWithArea(withCheck("99010419500101002"), TODAY)).toEqual({
      ok: false,
      error: "validation.citizenId.province",
    });
  });
});
