import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTranslator } from "@/domain/i18n";
import { campaignMessages } from "@/domain/i18n/campaigns";
import { checkMessages } from "@/domain/i18n/check";
import { importMessages } from "@/domain/i18n/import";
import { importPageMessages } from "@/domain/i18n/import-page";
import { mapMessages } from "@/domain/i18n/map";
import { zhCN as uiZh } from "@/domain/i18n/messages";
import { en as uiEn } from "@/domain/i18n/messages.en";
import { progressMessages } from "@/domain/i18n/progress";
import { questionnaireMessages } from "@/domain/i18n/questionnaire";
import { questionnaireDefinitionMessages } from "@/domain/i18n/questionnaire-definition";
import { superviseMessages } from "@/domain/i18n/supervise";
import { userMessages } from "@/domain/i18n/users";
import { isValidationKey, validationZh } from "@/domain/i18n/validation";
import { validationEn } from "@/domain/i18n/validation.en";
import { parseCitizenId, parseMobile, parsePhone, parseUscc } from "@/domain/validators";

const zh = validationZh;
const en = validationEn;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

/** The parameters a message takes: `{name}`, or `{name, plural, …}` (English counts). */
function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)(?:\}|,\s*plural,)/g)].map((m) => m[1]))].sort();
}

describe("the screen families' catalogues", () => {
  it("have the same keys and placeholders in both locales", () => {
    for (const catalogue of [
      superviseMessages,
      progressMessages,
      mapMessages,
      checkMessages,
      campaignMessages,
      importMessages,
      importPageMessages,
      userMessages,
      questionnaireMessages,
      questionnaireDefinitionMessages,
    ]) {
      const zhKeys = Object.keys(catalogue["zh-CN"]).sort();
      expect(Object.keys(catalogue.en).sort()).toEqual(zhKeys);
      for (const key of zhKeys as (keyof (typeof catalogue)["zh-CN"])[]) {
        expect(placeholders(catalogue.en[key]), key).toEqual(placeholders(catalogue["zh-CN"][key]));
      }
    }
  });
});

describe("the UI catalogue", () => {
  it("has the same keys and placeholders in both locales", () => {
    expect(Object.keys(uiEn).sort()).toEqual(Object.keys(uiZh).sort());
    for (const key of Object.keys(uiZh) as (keyof typeof uiZh)[]) {
      expect(placeholders(uiEn[key]), key).toEqual(placeholders(uiZh[key]));
    }
  });
});

describe("validation message catalogues", () => {
  it("have identical key sets", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  it("have non-empty messages with the same placeholders in both locales", () => {
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(key).toMatch(/^validation\.[A-Za-z]+(?:\.[A-Za-z0-9]+)*$/);
      expect(zh[key].trim()).not.toBe("");
      expect(en[key].trim()).not.toBe("");
      expect(placeholders(en[key])).toEqual(placeholders(zh[key]));
    }
  });

  it("interpolate parameters and fall back to the key", () => {
    expect(createTranslator("zh-CN")("validation.tooLong", { max: 50 })).toBe("最多 50 个字符，请删减");
    expect(createTranslator("en")("validation.tooLong", { max: 50 })).toBe(
      "Too long — use at most 50 characters",
    );
    expect(createTranslator("en")("validation.tooLong", {})).toContain("{max}");
    expect(createTranslator("en")("validation.nope")).toBe("validation.nope");
    expect(isValidationKey("validation.required")).toBe(true);
    expect(isValidationKey("toString")).toBe(false);
  });

  it("contain every key the validators return", () => {
    const inputs = [
      "",
      " ",
      "abc",
      "123",
      "12812345678",
      "13812345678",
      "138123456789",
      "+86 138 1234 5678",
      "020-83123456",
      "440104195001010021",
      "44010419500101002",
      "99010419500101002X",
      "440104202302300010",
      "440104299901010010",
      "440104187901010010",
      "91110000600037341K",
      "91110000600037341I",
      "91440104MA5D2B3C4A",
      "9111000060003734",
    ];
    const keys = new Set<string>();
    for (const input of inputs) {
      for (const r of [parseCitizenId(input), parseUscc(input)]) {
        if (r.ok) for (const w of r.warnings) keys.add(w);
        else keys.add(r.error);
      }
      for (const r of [parseMobile(input), parsePhone(input)]) if (!r.ok) keys.add(r.error);
    }
    expect(keys.size).toBeGreaterThan(10);
    for (const key of keys) expect(zh).toHaveProperty([key]);
  });

  it("contain every key written anywhere in domain/", () => {
    const root = path.resolve(__dirname, "../../domain");
    const used = new Set<string>();
    for (const file of sourceFiles(root)) {
      if (file.endsWith(path.join("i18n", "validation.ts"))) continue;
      for (const m of readFileSync(file, "utf8").matchAll(/"(validation\.[A-Za-z0-9.]+)"/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used].filter((key) => !Object.hasOwn(zh, key));
    expect(missing).toEqual([]);
  });
});
