import type { ValidationKey } from "../i18n/validation";
import { toHalfWidth } from "./text";

// GB 32100-2015: I O S V Z are left out so they cannot be confused with 1 0 5 U 2.
export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
// GB 11714-1997 organisation code, embedded as characters 9–17.
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

// GB 32100-2015 附录 A: character 1 is the registering department (登记管理部门代码), character 2 the
// kind of organisation (机构类别代码) among those that department registers. Written from the standard's
// table as we know it (no copy of the standard was at hand: written from memory and from a public list).
// Entries marked "later" are not in the 2015 text but were assigned since, as more registering departments
// joined, and appear on real certificates; we accept them, saying where we are unsure, because on the
// officer's form a refused real code blocks the visit, while a wrong one let through still has to pass the
// check character.
const USCC_CATEGORIES: Readonly<Record<string, string>> = {
  // 机构编制: 1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他
  "1": "1239",
  // 外交: 1 外国常驻新闻机构, 9 其他
  "2": "19",
  // 司法行政: 1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构, 5 仲裁委员会, 9 其他;
  // later, 6 商事调解组织 (unsure of the number)
  "3": "1234569",
  // 文化: 1 外国在华文化中心, 9 其他
  "4": "19",
  // 民政: 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他; later, 4 村民委员会 and 5 居民委员会 (the
  // community committees this app's grids belong to; unsure of the numbers)
  "5": "123459",
  // 旅游: 1 外国政府旅游部门常驻代表机构, 2 港澳台地区政府旅游部门常驻内地（大陆）代表机构, 9 其他
  "6": "129",
  // 宗教: 1 宗教活动场所, 2 宗教院校, 9 其他
  "7": "129",
  // 工会: 1 基层工会, 9 其他; later, 2 非法人工会组织 (unsure)
  "8": "129",
  // 工商 (now 市场监管): 1 企业, 2 个体工商户, 3 农民专业合作社. One later list adds 9 其他; we could not
  // confirm it, and the most common department is where a 99… typo is likeliest, so it stays out.
  "9": "123",
  // 中央军委改革和编制办公室 (later): 1 军队事业单位 (also listed as 军队文职人员用人单位), 9 其他
  A: "19",
  // 农业 (later, rural collective economic organisations): 1 组级, 2 村级, 3 乡镇级集体经济组织, 9 其他
  N: "1239",
  // 其他: 1 only
  Y: "1",
  // Also reported as assigned later, and accepted for that (unsure of each): G 公安 (1 境外非政府组织代表机构,
  // 9 其他), J 住房城乡建设 (1 业主大会, 9 其他), Q 侨联 (1 区县级, 2 乡镇级, 3 村级侨联组织, 9 其他).
  G: "19",
  J: "19",
  Q: "1239",
};

/**
 * What is wrong with an 18-character code of the right alphabet, most pointed first: the registering
 * department (character 1), the kind of organisation under it (character 2; not judged when the
 * department is unknown), the check character. An import may take a code with these faults on a reason
 * (domain/import/columns.ts); a form never does.
 */
export function usccFaults(code: string): ValidationKey[] {
  const faults: ValidationKey[] = [];
  const categories = Object.hasOwn(USCC_CATEGORIES, code[0]) ? USCC_CATEGORIES[code[0]] : undefined;
  if (categories === undefined) faults.push("validation.uscc.department");
  else if (!categories.includes(code[1])) faults.push("validation.uscc.category");
  if (code[17] !== usccCheckChar(code)) faults.push("validation.uscc.checksum");
  return faults;
}

export type UsccResult =
  | { ok: true; value: string; warnings: ValidationKey[] }
  | { ok: false; error: ValidationKey };

/** Check character for the first 17 characters. Throws outside the alphabet. */
export function usccCheckChar(first17: string): string {
  const body = first17.slice(0, 17);
  if (body.length !== 17) throw new RangeError("usccCheckChar needs 17 characters");
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(body[i]);
    if (value < 0) throw new RangeError(`usccCheckChar: "${body[i]}" is not in the USCC alphabet`);
    sum += value * USCC_WEIGHTS[i];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** GB 11714 check character for an 8-character organisation code body. */
export function orgCodeCheckChar(first8: string): string {
  const body = first8.slice(0, 8);
  if (!/^[0-9A-Z]{8}$/.test(body)) throw new RangeError("orgCodeCheckChar needs 8 digits or capitals");
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const code = body.charCodeAt(i);
    // Digits are their value, letters A=10 … Z=35.
    const value = code <= 57 ? code - 48 : code - 55;
    sum += value * ORG_WEIGHTS[i];
  }
  const c = 11 - (sum % 11);
  return c === 10 ? "X" : c === 11 ? "0" : String(c);
}

/** The code as stored: half-width, no spaces, upper case. */
export function normaliseUscc(input: string): string {
  return toHalfWidth(input ?? "")
    .replace(/\s+/g, "")
    .toUpperCase();
}

export function parseUscc(input: string): UsccResult {
  const raw = normaliseUscc(input);
  if (raw === "") return { ok: false, error: "validation.uscc.empty" };
  for (const ch of raw) {
    if (!USCC_ALPHABET.includes(ch)) return { ok: false, error: "validation.uscc.characters" };
  }
  if (raw.length !== 18) return { ok: false, error: "validation.uscc.length" };
  // The department and kind are reported before the check character because they point at the
  // character to re-read; a typo there breaks the check character too.
  const [fault] = usccFaults(raw);
  if (fault) return { ok: false, error: fault };

  // Registries really do contain codes whose embedded organisation code fails
  // its own check while the whole code is valid, so this only warns.
  const warnings: ValidationKey[] = [];
  if (raw[16] !== orgCodeCheckChar(raw.slice(8, 16))) warnings.push("validation.uscc.orgCodeChecksum");
  return { ok: true, value: raw, warnings };
}
