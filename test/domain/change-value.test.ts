// A change's value in words: every field a new record can carry has a word in both languages, an end
// reason keeps its destination and death date, masking is the caller's to ask for, and no JSON leaks.

import { describe, expect, it } from "vitest";
import { changeFieldLabel, changeValueText } from "@/domain/change-value";
import { createTranslator, registerMessages } from "@/domain/i18n";
import { superviseMessages } from "@/domain/i18n/supervise";
import { maskText } from "@/domain/mask";
import { householdSchema } from "@/domain/schemas/household";
import { personShape } from "@/domain/schemas/person";
import { tenantObject } from "@/domain/schemas/tenant";

registerMessages(superviseMessages);
const zh = createTranslator("zh-CN");
const en = createTranslator("en");

describe("changeValueText", () => {
  it("has a word in both languages for every field of a person, tenant or household", () => {
    const fields: [string, string][] = [
      ...Object.keys(personShape).map((f): [string, string] => ["person", f]),
      ...Object.keys(tenantObject.shape).map((f): [string, string] => ["person", f]),
      ...Object.keys(householdSchema.shape)
        .filter((f) => !f.endsWith("Id"))
        .map((f): [string, string] => ["household", f]),
    ];
    for (const [entity, field] of fields) {
      for (const t of [zh, en]) {
        const label = changeFieldLabel(field, t, entity);
        expect(label, `${entity}.${field}`).not.toBe(field);
        expect(label, `${entity}.${field}`).not.toMatch(/^[a-z]+\.[a-zA-Z.]+$/);
      }
    }
  });

  it("names a household's and a room's facts as the household and room, in words", () => {
    expect(changeFieldLabel("lowIncome", zh, "household")).toBe("低保户");
    expect(changeFieldLabel("lowIncome", zh, "person")).toBe("低保人员");
    expect(changeFieldLabel("use", zh, "room")).toBe("房屋用途");
    expect(changeValueText("use", "2", { locale: "zh-CN", t: zh, mask: false, entity: "room" })).toBe("商业");
    expect(changeValueText("kind", "2", { locale: "en", t: en, mask: false, entity: "household" })).toBe(
      "Collective household",
    );
  });

  it("writes an end reason with where to or the day of death; masks the destination when asked", () => {
    const moved = { code: "moved_out", destination: "广州市天河区天河路385号" };
    expect(changeValueText("endReason", moved, { locale: "zh-CN", t: zh, mask: false })).toBe(
      "迁出/搬离；迁往：广州市天河区天河路385号",
    );
    expect(changeValueText("endReason", moved, { locale: "zh-CN", t: zh, mask: true })).toBe(
      "迁出/搬离；迁往：广州市天河区****",
    );
    expect(
      changeValueText(
        "endReason",
        { code: "deceased", deathDate: "2026-11-15" },
        { locale: "en", t: en, mask: true },
      ),
    ).toBe("Deceased; Date of death: 2026-11-15");
    expect(changeValueText("endReason", "rental_ended", { locale: "en", t: en, mask: true })).toBe(
      "No longer rented out",
    );
  });

  it("writes a new record field by field in the forms' order, references and unset flags left out", () => {
    const household = {
      roomId: "0c954c8e-025d-43f3-b6dc-cd46830f190d",
      kind: "2",
      householdNo: null,
      lowIncome: false,
    };
    expect(changeValueText("*", household, { locale: "zh-CN", t: zh, mask: true, entity: "household" })).toBe(
      "户别：集体户",
    );
    const tenancy = { rentalId: "a", personId: "b", moveInDate: "2026-11-19", endedAt: null };
    expect(changeValueText("*", tenancy, { locale: "en", t: en, mask: true, entity: "rental_tenant" })).toBe(
      "Move-in date: 2026-11-19",
    );
    const person = { phone: "13700001111", name: "欧阳小明", sex: "1", disability: true, marital: "10" };
    expect(changeValueText("*", person, { locale: "zh-CN", t: zh, mask: true, entity: "person" })).toBe(
      "姓名：欧阳*；性别：男；联系电话：137****1111；婚姻状况：未婚；残疾人：是",
    );
  });

  it("masks ID numbers, phones and the names given in free text", () => {
    expect(
      maskText("张三丰说张三搬走了，电话 138-1234-5678，身份证440104195001010020，座机020-83001234", [
        "张三",
        "张三丰",
      ]),
    ).toBe("张*说张*搬走了，电话 138****5678，身份证440***********0020，座机020****1234");
  });
});
