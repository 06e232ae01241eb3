// A department's returned file (部门回流数据): an XLSX/CSV naming register records — by ID number, by
// credit code, or by building and room — each with what the department says happened (迁入 here on a
// date, a birth, a death…). Each row becomes a target carrying that claim, which the officer verifies
// at the door; a confirmed claim becomes the register corrections it implies (claimChanges), through
// the review gate like any other. The file is read by the import's readers and header mapping
// (domain/import/columns.ts); this module is the file's columns, the row check, the report's shape and
// the claim → corrections rule. Pure: no I/O.

import {
  CLAIM_KIND,
  type ClaimKind,
  claimFitsUnit,
  claimMayBeNew,
  type TargetClaim,
  type TargetFileOutcome,
} from "./claims";
import type { MessageKey, MessageParams } from "./i18n";
import { type ColumnSpec, mapHeaders, normaliseHeader, toCode, toIsoDateText } from "./import/columns";
import { maskIdNumber } from "./mask";
import { parseCitizenId } from "./validators/citizen-id";
import { isIsoDate } from "./validators/date";
import { normaliseUscc, usccFaults } from "./validators/uscc";

export {
  CLAIM_KIND,
  type ClaimAnswer,
  type ClaimKind,
  type ClaimSubject,
  claimChanges,
  claimFitsUnit,
  claimMayBeNew,
  TARGET_FILE_OUTCOMES,
  type TargetClaim,
  type TargetFileOutcome,
} from "./claims";

export type TargetFileField =
  | "claim"
  | "date"
  | "idNumber"
  | "name"
  | "uscc"
  | "buildingCode"
  | "unitNo"
  | "roomNo"
  | "note";

export const TARGET_FILE_COLUMNS: readonly ColumnSpec<TargetFileField>[] = [
  { field: "claim", header: "变动类型", aliases: ["变动事项", "事项", "类型", "业务类型"], required: true },
  { field: "date", header: "变动日期", aliases: ["日期", "发生日期", "迁入日期", "办理日期"], kind: "date" },
  { field: "idNumber", header: "身份证号", aliases: ["公民身份号码", "身份证号码", "证件号码"] },
  { field: "name", header: "姓名", aliases: ["名称"] },
  { field: "uscc", header: "统一社会信用代码", aliases: ["信用代码"] },
  { field: "buildingCode", header: "建筑物编码", aliases: ["楼栋编码", "建筑物代码"] },
  { field: "unitNo", header: "单元", aliases: ["单元号"] },
  { field: "roomNo", header: "房号", aliases: ["房间号", "户室号"] },
  { field: "note", header: "备注", aliases: ["说明"] },
];

/** Rows a file may have: a department's return is a list to visit, not a register to load. */
export const TARGET_FILE_MAX_ROWS = 20_000;
/** Row lines a report keeps (every row is counted; the file's rejected rows stay in the campaign). */
export const TARGET_FILE_REPORT_ROWS = 20_000;

export interface TargetFileRowReport {
  row: number;
  outcome: TargetFileOutcome;
  kind: ClaimKind | null;
  /** Masked (the report is read on a screen): the name and ID number as the file gave them. */
  label: string;
  differences: string[];
  /** Why a row was rejected, in the reader's words. */
  reason: string | null;
  /** The message key of `reason`, so a test or another language can read it. */
  reasonKey: MessageKey | null;
}

export interface TargetFileReport {
  file: string;
  uploadedAt: string;
  read: number;
  matched: number;
  matchedDiff: number;
  room: number;
  rejected: number;
  ignoredColumns: string[];
  rows: TargetFileRowReport[];
}

export type ParsedClaimRow =
  | { ok: true; claim: Omit<TargetClaim, "outcome" | "differences"> }
  | { ok: false; key: MessageKey; params?: MessageParams; kind: ClaimKind | null };

const claimKinds = new Set<string>(CLAIM_KIND.map((k) => k.code));

/** A file's header row mapped to the fields; `problems` non-empty means the file cannot be read. */
export function mapTargetFileHeaders(headers: readonly string[]) {
  return mapHeaders(TARGET_FILE_COLUMNS, headers);
}

/**
 * One row's claim checked on its own (the register is not read here): a known kind, a real date, a
 * citizen ID or credit code that passes its check, and something to find it by.
 */
export function parseClaimRow(
  index: Partial<Record<TargetFileField, number>>,
  cells: readonly string[],
  today: Date,
): ParsedClaimRow {
  const cell = (field: TargetFileField) => {
    const i = index[field];
    return i === undefined ? "" : (cells[i] ?? "").trim();
  };
  const kindText = cell("claim");
  const kind = toCode(CLAIM_KIND, kindText);
  if (!claimKinds.has(kind))
    return { ok: false, key: "targetFile.reason.claim", params: { value: kindText }, kind: null };
  const claimKind = kind as ClaimKind;
  const fail = (key: MessageKey, params?: MessageParams): ParsedClaimRow => ({
    ok: false,
    key,
    params,
    kind: claimKind,
  });
  const dateText = cell("date");
  const date = dateText === "" ? null : toIsoDateText(dateText);
  if (date !== null && !isIsoDate(date)) return fail("targetFile.reason.date", { value: dateText });
  let idNumber: string | null = null;
  if (cell("idNumber") !== "") {
    const parsed = parseCitizenId(cell("idNumber"), today);
    // Masked in the report like any ID number: a typo of a real one is still nearly someone's.
    if (!parsed.ok) return fail("targetFile.reason.idNumber", { value: maskIdNumber(cell("idNumber")) });
    idNumber = parsed.value;
  }
  let uscc: string | null = null;
  if (cell("uscc") !== "") {
    uscc = normaliseUscc(cell("uscc"));
    if (usccFaults(uscc).length > 0) return fail("targetFile.reason.uscc", { value: cell("uscc") });
  }
  const buildingCode = cell("buildingCode");
  const roomNo = cell("roomNo");
  const place =
    buildingCode !== "" && roomNo !== "" ? { buildingCode, unitNo: cell("unitNo") || null, roomNo } : null;
  if (!idNumber && !uscc && !place) return fail("targetFile.reason.nothingToFind");
  // A row naming a unit only (its credit code) is about the unit: a birth or a death is not.
  if (uscc && !idNumber && !claimFitsUnit(claimKind)) return fail("targetFile.reason.unitClaim");
  const name = cell("name") || null;
  // A newcomer is added to the register from the claim when confirmed: the name is needed then.
  if (claimMayBeNew(claimKind) && !name) return fail("targetFile.reason.name");
  return {
    ok: true,
    claim: { kind: claimKind, date, name, idNumber, uscc, place, note: cell("note") || null },
  };
}

/** The header the report file and templates write, by field. */
export const targetFileHeaders = TARGET_FILE_COLUMNS.map((c) => c.header);
export { normaliseHeader };
