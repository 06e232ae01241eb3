// A department's returned file (部门回流数据): an XLSX/CSV naming register records — by ID number, by
// credit code, or by building and room — each with what the department says happened (迁入 here on a
// date, a birth, a death…). Each row becomes a target carrying that claim, which the officer verifies
// at the door; a confirmed claim becomes the register corrections it implies (claimChanges), through
// the review gate like any other. The file is read by the import's readers and header mapping
// (domain/import/columns.ts); this module is the file's columns, the row check, the report's shape and
// the claim → corrections rule. Pure: no I/O.

import { type CodeTable, ID_TYPE } from "./codes";
import type { MessageKey, MessageParams } from "./i18n";
import { type ColumnSpec, mapHeaders, normaliseHeader, toCode, toIsoDateText } from "./import/columns";
import { parseCitizenId } from "./validators/citizen-id";
import { isIsoDate } from "./validators/date";
import { normaliseUscc, usccFaults } from "./validators/uscc";
import { type Change, endChanges, fieldChanges, type NewId, newPersonChange } from "./visit";

/** What a department may say about a record (the police register's changes, and a new approval). */
export const CLAIM_KIND = [
  { code: "move_in", zh: "迁入", en: "Moved in" },
  { code: "move_out", zh: "迁出", en: "Moved out" },
  { code: "birth", zh: "出生", en: "Birth" },
  { code: "death", zh: "死亡", en: "Death" },
  { code: "low_income", zh: "新增低保", en: "New low-income approval" },
] as const satisfies CodeTable;
export type ClaimKind = (typeof CLAIM_KIND)[number]["code"];

/** Claims about someone who may not be in the register yet: a target at the named room is enough. */
const NEW_PERSON_CLAIMS: readonly ClaimKind[] = ["move_in", "birth"];

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

/** The department's claim, as the target carries it (and the phone shows it). */
export interface TargetClaim {
  kind: ClaimKind;
  /** The day it happened, YYYY-MM-DD, if the file says. */
  date: string | null;
  name: string | null;
  /** The citizen ID as normalised (18 characters), if the file names one. */
  idNumber: string | null;
  uscc: string | null;
  place: { buildingCode: string; unitNo: string | null; roomNo: string } | null;
  note: string | null;
  /** What matching found (see TargetFileOutcome) and which register values differ from the file's. */
  outcome: TargetFileOutcome;
  differences: string[];
}

/**
 * matched: the record is in the register where the file says (or the file names no place);
 * matched_diff: it is, but with differences (another room, another name);
 * room: no such record, but the named room is in the register — a target at that room;
 * rejected: neither, or the row itself is wrong (a bad ID number): no target.
 */
export const TARGET_FILE_OUTCOMES = ["matched", "matched_diff", "room", "rejected"] as const;
export type TargetFileOutcome = (typeof TARGET_FILE_OUTCOMES)[number];

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

/** The officer's answer to one claim at the door, carried by the visit (visits.claims). */
export interface ClaimAnswer {
  targetId: string;
  answer: "confirmed" | "refuted";
  /** What was found instead (a refutation), in the officer's words. */
  found: string | null;
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
    if (!parsed.ok) return fail("targetFile.reason.idNumber", { value: cell("idNumber") });
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
  const name = cell("name") || null;
  // A newcomer is added to the register from the claim when confirmed: the name is needed then.
  if (NEW_PERSON_CLAIMS.includes(claimKind) && !name) return fail("targetFile.reason.name");
  return {
    ok: true,
    claim: { kind: claimKind, date, name, idNumber, uscc, place, note: cell("note") || null },
  };
}

/** Whether the claim is about someone the register may not hold yet (a target at the room suffices). */
export function claimMayBeNew(kind: ClaimKind): boolean {
  return NEW_PERSON_CLAIMS.includes(kind);
}

/** The header the report file and templates write, by field. */
export const targetFileHeaders = TARGET_FILE_COLUMNS.map((c) => c.header);
export { normaliseHeader };

/** A register person as the phone holds them, for the corrections a confirmed claim implies. */
export interface ClaimPerson {
  id: string;
  version?: unknown;
  lowIncome?: unknown;
  endedAt?: unknown;
  endReason?: unknown;
}

/**
 * The register corrections a confirmed claim implies, as a visit's change rows: a move-in or birth of
 * someone not in the register adds them at the door's room (sex and birth date read from the ID
 * number, else the claim's date for a birth); a death or move-out ends the person; a new low-income
 * approval sets the flag. A claim the register already agrees with needs none. `person` is the
 * target's register person if the phone holds them.
 */
export function claimChanges(
  visitId: string,
  target: { subjectId: string; roomId: string },
  claim: TargetClaim,
  person: ClaimPerson | null,
  visitDate: string,
  newId?: NewId,
): Change[] {
  switch (claim.kind) {
    case "move_in":
    case "birth": {
      if (person) return [];
      const id = claim.idNumber ? parseCitizenId(claim.idNumber) : null;
      const values: Record<string, unknown> = {
        name: claim.name,
        idType: ID_TYPE[0].code,
        idNumber: claim.idNumber,
        sex: id?.ok ? id.sex : null,
        birthDate: id?.ok ? id.birthDate : claim.kind === "birth" ? claim.date : null,
      };
      return [
        newPersonChange(
          visitId,
          values,
          { householdId: null, roomId: target.roomId },
          newId,
          target.subjectId,
        ).change,
      ];
    }
    case "death":
    case "move_out": {
      if (!person || person.endedAt) return [];
      const reason =
        claim.kind === "death"
          ? { code: "deceased" as const, ...(claim.date ? { deathDate: claim.date } : {}) }
          : { code: "moved_out" as const };
      return endChanges(
        visitId,
        "person",
        person,
        reason,
        claim.kind === "move_out" && claim.date ? claim.date : visitDate,
        newId,
      );
    }
    case "low_income": {
      if (!person || person.lowIncome === true) return [];
      return fieldChanges(
        visitId,
        "person",
        person,
        [{ field: "lowIncome", registerValue: person.lowIncome ?? null, observedValue: true }],
        newId,
      );
    }
  }
}
