import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { checkDisputeInput, checkLookupInput } from "@/domain/check";
import type { Code, ETHNICITY, SEX } from "@/domain/codes";
import { createTranslator } from "@/domain/i18n";
import {
  householdSchema,
  issuesByPath,
  type PersonInput,
  type PersonOutput,
  personSchema,
  rentalSchema,
  tenantSchema,
  unitSchema,
  zodIssueKey,
} from "@/domain/schemas";

const person = {
  name: "张三",
  idType: "1",
  idNumber: "440104193910051234",
  sex: "1",
  birthDate: "1939-10-05",
};

function issues(result: { success: boolean; error?: z.ZodError }) {
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((i) => ({ path: i.path.join("."), message: i.message }));
}

describe("personSchema", () => {
  it("accepts a minimal person and fills defaults", () => {
    const r = personSchema.parse(person);
    expect(r).toMatchObject({ ...person, disability: false, lowIncome: false, unemployed: false });
  });

  it("normalises the citizen ID: lower-case x and 15-digit upgrade", () => {
    expect(
      personSchema.parse({ ...person, idNumber: "11010519491231002x", sex: "2", birthDate: "1949-12-31" })
        .idNumber,
    ).toBe("11010519491231002X");
    expect(
      personSchema.parse({ ...person, idNumber: "350303900203307", sex: "1", birthDate: "1990-02-03" })
        .idNumber,
    ).toBe("350303199002033073");
  });

  it("reports a birth date that disagrees with the ID on birthDate", () => {
    expect(issues(personSchema.safeParse({ ...person, birthDate: "1939-10-06" }))).toEqual([
      { path: "birthDate", message: "validation.person.birthDateMismatch" },
    ]);
  });

  it("reports a sex that disagrees with the ID on sex", () => {
    expect(issues(personSchema.safeParse({ ...person, sex: "2" }))).toEqual([
      { path: "sex", message: "validation.person.sexMismatch" },
    ]);
  });

  it("reports both mismatches together, even when another field is wrong", () => {
    const found = issues(
      personSchema.safeParse({ ...person, sex: "2", birthDate: "1940-01-01", phone: "8312" }),
    );
    expect(found).toContainEqual({ path: "sex", message: "validation.person.sexMismatch" });
    expect(found).toContainEqual({ path: "birthDate", message: "validation.person.birthDateMismatch" });
    expect(found).toContainEqual({ path: "phone", message: "validation.phone.format" });
  });

  it("puts citizen-ID errors on idNumber", () => {
    expect(issues(personSchema.safeParse({ ...person, idNumber: "440104193910051235" }))).toEqual([
      { path: "idNumber", message: "validation.citizenId.checksum" },
    ]);
  });

  it("checks other documents only for shape", () => {
    const r = personSchema.parse({ ...person, idType: "A", idNumber: " e 1234 5678 ", sex: "2" });
    expect(r.idNumber).toBe("E12345678");
    expect(issues(personSchema.safeParse({ ...person, idType: "A", idNumber: "E1234*5678" }))).toEqual([
      { path: "idNumber", message: "validation.idNumber.characters" },
    ]);
  });

  it("marks every missing required field as required", () => {
    expect(issues(personSchema.safeParse({}))).toEqual(
      ["name", "idType", "idNumber", "sex", "birthDate"].map((path) => ({
        path,
        message: "validation.required",
      })),
    );
    expect(issues(personSchema.safeParse({ ...person, name: "   " }))).toEqual([
      { path: "name", message: "validation.required" },
    ]);
  });

  it("gives a key, not prose, for a non-object", () => {
    expect(issues(personSchema.safeParse(null))).toEqual([{ path: "", message: "validation.required" }]);
    expect(issues(personSchema.safeParse("x"))).toEqual([{ path: "", message: "validation.invalidType" }]);
  });

  it("validates dates", () => {
    expect(issues(personSchema.safeParse({ ...person, birthDate: "1939/10/05" }))).toEqual([
      { path: "birthDate", message: "validation.date.format" },
    ]);
    expect(issues(personSchema.safeParse({ ...person, idType: "A", birthDate: "2023-02-30" }))).toEqual([
      { path: "birthDate", message: "validation.date.invalid" },
    ]);
    expect(issues(personSchema.safeParse({ ...person, idType: "A", birthDate: "2999-01-01" }))).toEqual([
      { path: "birthDate", message: "validation.date.future" },
    ]);
  });

  it("normalises phones and turns empty optional fields into null", () => {
    const r = personSchema.parse({
      ...person,
      phone: "+86 138-1234-5678",
      ethnicity: "",
      hukouAddress: "  ",
      arrivalDate: "",
      leftBehind: null,
    });
    expect(r.phone).toBe("13812345678");
    expect(r.ethnicity).toBeNull();
    expect(r.hukouAddress).toBeNull();
    expect(r.arrivalDate).toBeNull();
    expect(r.leftBehind).toBeNull();
    expect(r).not.toHaveProperty("origin");
  });

  it("refuses unknown codes and over-long text with keys", () => {
    expect(
      issues(personSchema.safeParse({ ...person, ethnicity: "57", currentAddress: "很".repeat(201) })),
    ).toEqual([
      { path: "ethnicity", message: "validation.invalidValue" },
      { path: "currentAddress", message: "validation.tooLong" },
    ]);
    expect(issues(personSchema.safeParse({ ...person, name: "名".repeat(51) }))).toEqual([
      { path: "name", message: "validation.tooLong" },
    ]);
  });
});

describe("bidirectional controls", () => {
  // U+202E (RIGHT-TO-LEFT OVERRIDE) and its kin reorder how text is drawn: "张三\u202E5321" shows as
  // 张三1235, so a name or address could read as something other than what is stored and exported.
  const CONTROLS = [
    "\u061C",
    "\u200E",
    "\u200F",
    "\u202A",
    "\u202B",
    "\u202C",
    "\u202D",
    "\u202E",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
  ];

  it("are refused in names and other register text, with their own key", () => {
    for (const control of CONTROLS) {
      expect(issues(personSchema.safeParse({ ...person, name: `张${control}三` }))).toEqual([
        { path: "name", message: "validation.text.bidiControl" },
      ]);
    }
    expect(
      issues(personSchema.safeParse({ ...person, currentAddress: "光塔路\u202E号01" })).map((i) => i.message),
    ).toEqual(["validation.text.bidiControl"]);
    expect(
      issues(householdSchema.safeParse({ kind: "1", headName: "李\u202E四" })).map((i) => i.message),
    ).toEqual(["validation.text.bidiControl"]);
    // Names from other scripts still pass, joiners included (ZWJ/ZWNJ shape letters, not direction).
    expect(personSchema.safeParse({ ...person, name: "阿卜杜·热合曼" }).success).toBe(true);
    expect(personSchema.safeParse({ ...person, name: "Ali\u200D" }).success).toBe(true);
  });

  it("are explained in both languages", () => {
    expect(createTranslator("zh-CN")("validation.text.bidiControl")).toBe(
      "文字中含有控制文字方向的隐藏字符（如 U+202E），会让显示的内容与实际不符，请删除后重新输入",
    );
    expect(createTranslator("en")("validation.text.bidiControl")).toBe(
      "The text holds a hidden character that changes its direction (such as U+202E), so it would show differently from what it says; delete it and type again",
    );
  });

  it("are refused in what a resident types on /check", () => {
    const lookup = checkLookupInput.safeParse({
      name: "张\u202E三",
      idNumber: "440104193910051234",
      code: "X",
    });
    expect(lookup.success).toBe(false);
    expect(lookup.error?.issues[0].message).toBe("validation.text.bidiControl");
    const dispute = checkDisputeInput.safeParse({
      name: "张三",
      idNumber: "440104193910051234",
      code: "X",
      fields: [{ personId: null, field: "address", comment: "门牌\u202E10" }],
      comment: "\u2066x",
    });
    expect(dispute.success).toBe(false);
    expect(dispute.error?.issues.map((i) => i.message)).toEqual([
      "validation.text.bidiControl",
      "validation.text.bidiControl",
    ]);
  });
});

describe("inferred types", () => {
  it("narrow codes and make optional fields nullable", () => {
    expectTypeOf<PersonOutput["sex"]>().toEqualTypeOf<Code<typeof SEX>>();
    expectTypeOf<PersonOutput["ethnicity"]>().toEqualTypeOf<Code<typeof ETHNICITY> | null | undefined>();
    expectTypeOf<PersonOutput["phone"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<PersonOutput["disability"]>().toEqualTypeOf<boolean>();
    expectTypeOf<PersonInput["disability"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<PersonInput["ethnicity"]>().toEqualTypeOf<Code<typeof ETHNICITY> | "" | null | undefined>();
  });
});

describe("tenantSchema", () => {
  it("is a person with a move-in date and the same ID rules", () => {
    const r = tenantSchema.parse({ ...person, idNumber: "44010419391005123 4", moveInDate: "2024-03-01" });
    expect(r.idNumber).toBe("440104193910051234");
    expect(r.moveInDate).toBe("2024-03-01");
    expect(issues(tenantSchema.safeParse({ ...person, sex: "2", moveInDate: "2024-02-30" }))).toEqual([
      { path: "moveInDate", message: "validation.date.invalid" },
      { path: "sex", message: "validation.person.sexMismatch" },
    ]);
  });
});

describe("householdSchema", () => {
  it("accepts a household and defaults the flags", () => {
    expect(householdSchema.parse({ kind: "1", headName: "李四" })).toEqual({
      kind: "1",
      headName: "李四",
      lowIncome: false,
      fiveGuarantee: false,
    });
  });

  it("requires kind and head", () => {
    expect(issues(householdSchema.safeParse({ householdNo: "001" }))).toEqual([
      { path: "kind", message: "validation.required" },
      { path: "headName", message: "validation.required" },
    ]);
  });
});

describe("unitSchema", () => {
  const unit = { name: "越秀某某餐饮店", status: "1", kind: "2" };

  it("accepts a unit, normalising the credit code and phones", () => {
    const r = unitSchema.parse({
      ...unit,
      uscc: "91440104ma5d2b3c4a",
      phone: "020 8312 3456",
      legalRepPhone: "138 1234 5678",
      employees: 3,
    });
    expect(r).toMatchObject({
      uscc: "91440104MA5D2B3C4A",
      phone: "020-83123456",
      legalRepPhone: "13812345678",
    });
  });

  it("reports USCC errors and bad numbers with keys", () => {
    expect(issues(unitSchema.safeParse({ ...unit, uscc: "91110000600037341K", employees: -1 }))).toEqual([
      { path: "uscc", message: "validation.uscc.checksum" },
      { path: "employees", message: "validation.tooSmall" },
    ]);
    expect(issues(unitSchema.safeParse({ ...unit, employees: 2.5 }))).toEqual([
      { path: "employees", message: "validation.notInteger" },
    ]);
    expect(issues(unitSchema.safeParse({ ...unit, legalRepPhone: "020-83123456" }))).toEqual([
      { path: "legalRepPhone", message: "validation.mobile.format" },
    ]);
  });
});

describe("rentalSchema", () => {
  const rental = { landlordName: "王五", use: "1" };

  it("accepts a rental; a company landlord may give a credit code", () => {
    expect(rentalSchema.parse({ ...rental, landlordIdNumber: "440104195001010020" }).landlordIdNumber).toBe(
      "440104195001010020",
    );
    expect(rentalSchema.parse({ ...rental, landlordIdNumber: "91110000600037341l" }).landlordIdNumber).toBe(
      "91110000600037341L",
    );
  });

  it("reports the landlord ID error that fits the input", () => {
    expect(issues(rentalSchema.safeParse({ ...rental, landlordIdNumber: "440104195001010021" }))).toEqual([
      { path: "landlordIdNumber", message: "validation.citizenId.checksum" },
    ]);
    expect(issues(rentalSchema.safeParse({ ...rental, landlordIdNumber: "91110000600037341K" }))).toEqual([
      { path: "landlordIdNumber", message: "validation.uscc.checksum" },
    ]);
  });

  it("refuses a lease that ends before it starts, on leaseEnd", () => {
    expect(
      issues(rentalSchema.safeParse({ ...rental, leaseStart: "2024-05-01", leaseEnd: "2024-04-30" })),
    ).toEqual([{ path: "leaseEnd", message: "validation.rental.leaseEndBeforeStart" }]);
    expect(
      rentalSchema.safeParse({ ...rental, leaseStart: "2024-05-01", leaseEnd: "2024-05-01" }).success,
    ).toBe(true);
  });

  it("asks for a description of a hazard", () => {
    expect(issues(rentalSchema.safeParse({ ...rental, hazardLevel: "2" }))).toEqual([
      { path: "hazardNote", message: "validation.rental.hazardNoteRequired" },
    ]);
    expect(rentalSchema.safeParse({ ...rental, hazardLevel: "0" }).success).toBe(true);
    expect(
      rentalSchema.safeParse({ ...rental, hazardLevel: "3", hazardNote: "电动车在楼道充电" }).success,
    ).toBe(true);
  });

  it("records more occupants than allowed without refusing", () => {
    expect(rentalSchema.safeParse({ ...rental, maxOccupants: 2, actualOccupants: 5 }).success).toBe(true);
  });
});

describe("zodIssueKey", () => {
  function first(schema: z.ZodType, value: unknown) {
    const r = schema.safeParse(value);
    if (r.success) throw new Error("expected a failure");
    return zodIssueKey(r.error.issues[0]);
  }

  it("passes our keys through, with bounds as params", () => {
    const r = personSchema.safeParse({ ...person, name: "名".repeat(51) });
    expect(zodIssueKey(r.error!.issues[0])).toEqual({ key: "validation.tooLong", params: { max: 50 } });
  });

  it("passes custom params through", () => {
    const r = personSchema.safeParse({ ...person, sex: "2" });
    expect(zodIssueKey(r.error!.issues[0])).toEqual({
      key: "validation.person.sexMismatch",
      params: { expected: "1" },
    });
  });

  it("maps zod's own issues to generic keys", () => {
    expect(first(z.object({ a: z.string() }), {})).toEqual({ key: "validation.required", params: {} });
    expect(first(z.string(), 5)).toEqual({ key: "validation.invalidType", params: {} });
    expect(first(z.string().min(3), "ab")).toEqual({ key: "validation.tooShort", params: { min: 3 } });
    expect(first(z.string().max(3), "abcd")).toEqual({ key: "validation.tooLong", params: { max: 3 } });
    expect(first(z.number().min(1), 0)).toEqual({ key: "validation.tooSmall", params: { min: 1 } });
    expect(first(z.number().max(9), 10)).toEqual({ key: "validation.tooBig", params: { max: 9 } });
    expect(first(z.array(z.string()).max(1), ["a", "b"])).toEqual({
      key: "validation.tooLong",
      params: { max: 1 },
    });
    expect(first(z.number().int(), 1.5)).toEqual({ key: "validation.notInteger", params: {} });
    expect(first(z.enum(["a", "b"]), "c")).toEqual({ key: "validation.invalidValue", params: {} });
    expect(first(z.email(), "nope")).toEqual({ key: "validation.invalidFormat", params: {} });
    expect(first(z.string().regex(/^a/), "b")).toEqual({ key: "validation.invalidFormat", params: {} });
    expect(first(z.number().multipleOf(5), 3)).toEqual({ key: "validation.invalid", params: {} });
    expect(
      first(
        z.string().refine(() => false),
        "x",
      ),
    ).toEqual({ key: "validation.invalid", params: {} });
  });

  it("ignores prose that does not start with validation.", () => {
    expect(first(z.string().min(2, "too short!"), "a")).toEqual({
      key: "validation.tooShort",
      params: { min: 2 },
    });
  });

  it("groups keys by path", () => {
    const r = householdSchema.safeParse({ kind: "x", headName: "" });
    expect(issuesByPath(r.error!)).toEqual({
      kind: [{ key: "validation.invalidValue", params: {} }],
      headName: [{ key: "validation.required", params: { min: 1 } }],
    });
  });
});
