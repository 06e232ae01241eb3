import { describe, expect, it } from "vitest";
import { maskFieldValue, maskIdNumber, maskName, maskPhone } from "@/domain/mask";

describe("maskName", () => {
  const cases: [string, string][] = [
    ["张三", "张*"],
    ["张三丰", "张*"],
    ["欧阳修", "欧阳*"],
    ["司马相如", "司马*"],
    ["诸葛亮", "诸葛*"],
    ["上官婉儿", "上官*"],
    ["端木蕻良", "端木*"],
    // 欧阳 alone is a two-character name, not a surname with nothing after it.
    ["欧阳", "欧*"],
    ["区志明", "区*"],
    ["阿依古丽·买买提", "阿*"],
    [" 王五 ", "王*"],
    ["𠮷野", "𠮷*"],
    ["张", "*"],
    ["John Smith", "J***"],
    ["alice", "a***"],
    ["Иван", "И***"],
  ];
  for (const [input, masked] of cases) {
    it(`${input} → ${masked}`, () => expect(maskName(input)).toBe(masked));
  }

  it("is empty-safe", () => {
    expect(maskName("")).toBe("");
    expect(maskName("   ")).toBe("");
    expect(maskName(null)).toBe("");
    expect(maskName(undefined)).toBe("");
  });
});

describe("maskIdNumber", () => {
  it("keeps the first 3 and last 4 and preserves the length", () => {
    expect(maskIdNumber("440104195001010020")).toBe("440***********0020");
    expect(maskIdNumber("11010519491231002X")).toBe("110***********002X");
    expect(maskIdNumber("350303900203307")).toBe("350********3307");
    expect(maskIdNumber("440104195001010020")).toHaveLength(18);
  });

  it("masks short or odd values fully", () => {
    expect(maskIdNumber("E12345678")).toBe("*********");
    expect(maskIdNumber("1234")).toBe("****");
    expect(maskIdNumber("X")).toBe("*");
  });

  it("is empty-safe", () => {
    expect(maskIdNumber("")).toBe("");
    expect(maskIdNumber(null)).toBe("");
    expect(maskIdNumber(undefined)).toBe("");
  });
});

describe("maskPhone", () => {
  it("masks a mobile as 138****1234", () => {
    expect(maskPhone("13812341234")).toBe("138****1234");
    expect(maskPhone("138 1234 1234")).toBe("138****1234");
  });

  it("masks landlines and short numbers without revealing them", () => {
    expect(maskPhone("020-83123456")).toBe("020****3456");
    expect(maskPhone("83123456")).toBe("****3456");
    expect(maskPhone("12345")).toBe("*****");
  });

  it("is empty-safe", () => {
    expect(maskPhone("")).toBe("");
    expect(maskPhone(null)).toBe("");
    expect(maskPhone(undefined)).toBe("");
  });
});

describe("maskFieldValue: birth dates and home addresses too", () => {
  it("keeps the year of a birth date and the district of an address", () => {
    expect(maskFieldValue("birthDate", "1950-01-01")).toBe("1950-**-**");
    expect(maskFieldValue("hukouAddress", "广州市越秀区光塔路12号3楼")).toBe("广州市越秀区****");
    expect(maskFieldValue("currentAddress", "光塔路12号")).toBe("光塔路****");
    expect(maskFieldValue("residencePermitNo", "440100202400001234")).toBe("440***********1234");
  });
  it("masks a moved-out member's destination inside the end reason", () => {
    expect(maskFieldValue("endReason", { code: "moved_out", destination: "天河区天河路385号" })).toEqual({
      code: "moved_out",
      destination: "天河区天河****",
    });
  });
});
