import { describe, expect, it } from "vitest";
import { parseClaimRow } from "@/domain/target-file";
import { orgCodeCheckChar, usccCheckChar } from "@/domain/validators/uscc";

// A credit code that passes both of its checks: 91 + area 440101 + organisation code + check.
const orgCode = `MA59ABCD${orgCodeCheckChar("MA59ABCD")}`;
const uscc = `91440101${orgCode}${usccCheckChar(`91440101${orgCode}`)}`;
const index = { claim: 0, name: 1, uscc: 2 };
const today = new Date("2026-12-06T08:00:00Z");

describe("a returned file's row naming a unit by its credit code only", () => {
  it("may say the unit moved in or out", () => {
    for (const kind of ["迁入", "迁出"]) {
      const row = parseClaimRow(index, [kind, "某某餐饮店", uscc], today);
      expect(row).toMatchObject({ ok: true, claim: { uscc, idNumber: null } });
    }
  });

  it("is refused, with its reason, when it claims a birth, a death or a low-income approval", () => {
    for (const kind of ["出生", "死亡", "新增低保"])
      expect(parseClaimRow(index, [kind, "某某餐饮店", uscc], today)).toMatchObject({
        ok: false,
        key: "targetFile.reason.unitClaim",
      });
  });
});
