import { describe, expect, it } from "vitest";
import { orgCodeCheckChar, parseUscc, USCC_ALPHABET, usccCheckChar } from "@/domain/validators";

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
  for (const [label, input, key] of cases) {
    it(`rejects: ${label}`, () => {
      expect(parseUscc(input)).toEqual({ ok: false, error: key });
    });
  }
});
