import { describe, expect, it } from "vitest";
import { parseMobile, parsePhone } from "@/domain/validators";

describe("parseMobile", () => {
  const ok: [string, string][] = [
    ["13812345678", "13812345678"],
    ["138 1234 5678", "13812345678"],
    ["138-1234-5678", "13812345678"],
    ["+86 138-1234-5678", "13812345678"],
    ["+8613812345678", "13812345678"],
    ["0086 13812345678", "13812345678"],
    ["86 13812345678", "13812345678"],
    ["8613812345678", "13812345678"],
    ["(+86) 199 0000 0000", "19900000000"],
    ["１３８１２３４５６７８", "13812345678"],
  ];
  for (const [input, value] of ok) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      expect(parseMobile(input)).toEqual({ ok: true, value });
    });
  }

  const bad: [string, string, string][] = [
    ["empty", "", "validation.mobile.empty"],
    ["only separators", " - ", "validation.mobile.empty"],
    ["12 digits", "138123456789", "validation.mobile.length"],
    ["10 digits", "1381234567", "validation.mobile.length"],
    ["starts with 12", "12812345678", "validation.mobile.format"],
    ["starts with 10", "10012345678", "validation.mobile.format"],
    ["starts with 2", "23812345678", "validation.mobile.format"],
    ["letters", "1381234567a", "validation.mobile.characters"],
    ["another country", "+85291234567", "validation.mobile.characters"],
    // "86" is stripped only when 11 digits remain, so this stays 12 digits.
    ["86 and 10 digits", "861381234567", "validation.mobile.length"],
  ];
  for (const [label, input, key] of bad) {
    it(`rejects ${label}`, () => {
      expect(parseMobile(input)).toEqual({ ok: false, error: key });
    });
  }
});

describe("parsePhone", () => {
  const ok: [string, string, "mobile" | "landline"][] = [
    ["+86 138-1234-5678", "13812345678", "mobile"],
    ["020-83123456", "020-83123456", "landline"],
    ["02083123456", "020-83123456", "landline"],
    ["(020) 8312 3456", "020-83123456", "landline"],
    ["020-8312-3456", "020-83123456", "landline"],
    ["010-6512 3456", "010-65123456", "landline"],
    ["0755-2345678", "0755-2345678", "landline"],
    ["+86 20 8312 3456", "020-83123456", "landline"],
    ["020-83123456-123", "020-83123456-123", "landline"],
    ["020-83123456转123", "020-83123456-123", "landline"],
  ];
  for (const [input, value, kind] of ok) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      expect(parsePhone(input)).toEqual({ ok: true, value, kind });
    });
  }

  it("rejects what is neither, with the most useful key", () => {
    expect(parsePhone("")).toEqual({ ok: false, error: "validation.phone.empty" });
    expect(parsePhone("83123456")).toEqual({ ok: false, error: "validation.phone.format" });
    expect(parsePhone("020-1234567")).toEqual({ ok: false, error: "validation.phone.format" });
    expect(parsePhone("138123456789")).toEqual({ ok: false, error: "validation.mobile.length" });
    expect(parsePhone("12812345678")).toEqual({ ok: false, error: "validation.mobile.format" });
  });
});
