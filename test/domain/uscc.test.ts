import { describe, expect, it } from "vitest";
import { orgCodeCheckChar, parseUscc, USCC_ALPHABET, usccCheckChar, usccFaults } from "@/domain/validators";

describe("USCC check characters", () => {
  it("has the 31-character alphabet without I O S V Z", () => {
    expect(USCC_ALPHABET).toHaveLength(31);
    for (const ch of "IOSVZ") expect(USCC_ALPHABET).not.toContain(ch);
  });

  it("computes the check character of the examples", () => {
    expect(usccCheckChar("91110000600037341")).toBe("L");
    expect(usccCheckChar("91440104MA5D2B3C4")).toBe("A");
  });

  it("computes GB 11714 organisation code check characters", () => {
    expect(orgCodeCheckChar("60003734")).toBe("1");
    expect(orgCodeCheckChar("MA5D2B3C")).toBe("6");
    // Letters count 10–35: D=13 → 39+14+9+40+15+48+4+4 = 173, 11 − 173 mod 11 = 3.
    expect(orgCodeCheckChar("D2143612")).toBe("3");
  });

  it("maps 10 to X and 11 to 0", () => {
    // Sum 0 → 11 → "0"; last weight 2 × 6 = 12, 12 mod 11 = 1 → 10 → "X".
    expect(orgCodeCheckChar("00000000")).toBe("0");
    expect(orgCodeCheckChar("00000006")).toBe("X");
  });

  it("refuses characters outside the alphabet", () => {
    expect(() => usccCheckChar("9111000060003734I")).toThrow(RangeError);
    expect(() => usccCheckChar("short")).toThrow(RangeError);
    expect(() => orgCodeCheckChar("abc")).toThrow(RangeError);
  });
});

describe("parseUscc", () => {
  it("accepts a valid code with no warnings", () => {
    expect(parseUscc("91110000600037341L")).toEqual({ ok: true, value: "91110000600037341L", warnings: [] });
  });

  it("accepts a code whose embedded organisation code fails, with a warning", () => {
    expect(parseUscc("91440104MA5D2B3C4A")).toEqual({
      ok: true,
      value: "91440104MA5D2B3C4A",
      warnings: ["validation.uscc.orgCodeChecksum"],
    });
  });

  it("trims, removes spaces and upper-cases", () => {
    const r = parseUscc("  91110000 6000 37341l ");
    expect(r.ok && r.value).toBe("91110000600037341L");
    const full = parseUscc("９１１１００００６０００３７３４１Ｌ");
    expect(full.ok && full.value).toBe("91110000600037341L");
  });

  const cases: [string, string, string][] = [
    ["empty", "", "validation.uscc.empty"],
    ["letter I", "91110000600037341I", "validation.uscc.characters"],
    ["letter O for zero", "9111O000600037341L", "validation.uscc.characters"],
    ["letter Z", "91110000Z00037341L", "validation.uscc.characters"],
    ["letter S", "S1110000600037341L", "validation.uscc.characters"],
    ["letter V", "91110000600037341V", "validation.uscc.characters"],
    ["punctuation", "91110000-600037341L", "validation.uscc.characters"],
    ["17 characters", "91110000600037341", "validation.uscc.length"],
    ["19 characters", "91110000600037341L0", "validation.uscc.length"],
    ["wrong check character", "91110000600037341K", "validation.uscc.checksum"],
    ["a transposed pair", "91110000600073341L", "validation.uscc.checksum"],
  ];
  // Check characters computed by hand-checked usccCheckChar above, so only the first two characters vary.
  const withCheck = (first17: string) => first17 + usccCheckChar(first17);
  cases.push(
    ["department B (none in GB 32100)", withCheck("B1440104MA5D2B3C6"), "validation.uscc.department"],
    ["department 0", withCheck("01440104MA5D2B3C6"), "validation.uscc.department"],
    ["工商 (9) with kind 4", withCheck("94440104MA5D2B3C6"), "validation.uscc.category"],
    ["工商 (9) with kind 9", withCheck("99440104MA5D2B3C6"), "validation.uscc.category"],
    ["其他 (Y) with kind 2", withCheck("Y2440104MA5D2B3C6"), "validation.uscc.category"],
    ["外交 (2) with kind 2", withCheck("22440104MA5D2B3C6"), "validation.uscc.category"],
    // Department before check character: it points at the character to re-read.
    ["department B and a wrong check character", "B1440104MA5D2B3C60", "validation.uscc.department"],
  );
  for (const [label, input, key] of cases) {
    it(`rejects: ${label}`, () => {
      expect(parseUscc(input)).toEqual({ ok: false, error: key });
    });
  }
});

describe("GB 32100's department and kind table", () => {
  const withCheck = (first17: string) => first17 + usccCheckChar(first17);
  // From the brief and the standard's table (see the comment in domain/validators/uscc.ts).
  const accepted = ["11", "12", "13", "19", "21", "29", "31", "35", "39", "41", "49", "51", "52", "53", "59"]
    .concat(["61", "62", "69", "71", "72", "79", "81", "89", "91", "92", "93", "A1", "A9", "N1", "N2"])
    .concat(["N3", "N9", "Y1"]);

  it.each(accepted)("accepts %s", (head) => {
    const r = parseUscc(withCheck(`${head}440104MA5D2B3C6`));
    expect(r.ok, head).toBe(true);
  });

  it("lists every fault of a code: department or kind, then the check character", () => {
    expect(usccFaults("91110000600037341L")).toEqual([]);
    expect(usccFaults("91110000600037341K")).toEqual(["validation.uscc.checksum"]);
    const noKind = withCheck("94440104MA5D2B3C6");
    const noKindWrongCheck = noKind.slice(0, 17) + (noKind[17] === "0" ? "1" : "0");
    expect(usccFaults(noKind)).toEqual(["validation.uscc.category"]);
    expect(usccFaults(noKindWrongCheck)).toEqual(["validation.uscc.category", "validation.uscc.checksum"]);
    // An unknown department has no kinds to judge.
    expect(usccFaults(withCheck("B9440104MA5D2B3C6"))).toEqual(["validation.uscc.department"]);
  });
});
