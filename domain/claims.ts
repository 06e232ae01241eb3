// A department's claim about a register record (a returned file's row, domain/target-file.ts), as a
// target carries it to the phone, and the register corrections a confirmed claim implies. Apart from
// the file's reading so the phone's room screen loads only this. Pure: no I/O.

import { type CodeTable, ID_TYPE } from "./codes";
import type { TargetSubject } from "./targets";
import { parseCitizenId } from "./validators/citizen-id";
import { type Change, endChanges, type FieldDiff, fieldChanges, type NewId, newPersonChange } from "./visit";

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

/**
 * What a department may say about a unit (a row naming it by credit code only): that it moved in or
 * out. Births, deaths and low-income approvals are about people; such a row is refused as it is read.
 */
const UNIT_CLAIMS: readonly ClaimKind[] = ["move_in", "move_out"];

/** Whether a claim of this kind can be about a unit. */
export function claimFitsUnit(kind: ClaimKind): boolean {
  return UNIT_CLAIMS.includes(kind);
}

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
  /**
   * Where the register holds a person found in another room than the file names (matched_diff with
   * "room"): the person row's own room and household (either may be null) and its grid, as they stood
   * when the target was made. A confirmed move-in moves the person from there (claimChanges); a target
   * made before this was recorded has none, and its confirmation moves nobody.
   */
  registered?: { roomId: string | null; householdId: string | null; gridId: string } | null;
}

/**
 * matched: the record is in the register where the file says (or the file names no place);
 * matched_diff: it is, but with differences (another room, another name);
 * room: no such record, but the named room is in the register — a target at that room;
 * rejected: neither, or the row itself is wrong (a bad ID number): no target.
 */
export const TARGET_FILE_OUTCOMES = ["matched", "matched_diff", "room", "rejected"] as const;
export type TargetFileOutcome = (typeof TARGET_FILE_OUTCOMES)[number];

/** The officer's answer to one claim at the door, carried by the visit (visits.claims). */
export interface ClaimAnswer {
  targetId: string;
  answer: "confirmed" | "refuted";
  /** What was found instead (a refutation), in the officer's words. */
  found: string | null;
}

/** Whether the claim is about someone the register may not hold yet (a target at the room suffices). */
export function claimMayBeNew(kind: ClaimKind): boolean {
  return NEW_PERSON_CLAIMS.includes(kind);
}

/** The target's register row (a person or a unit) as the phone holds it, for the corrections a confirmed claim implies. */
export interface ClaimSubject {
  id: string;
  version?: unknown;
  lowIncome?: unknown;
  endedAt?: unknown;
  endReason?: unknown;
}

/**
 * The register corrections a confirmed claim implies, as a visit's change rows: a move-in or birth of
 * someone not in the register (outcome "room") adds them at the door's room (sex and birth date read
 * from the ID number, else the claim's date for a birth); a move-in of someone the register holds in
 * another room of the same grid moves them to the door's room (movedInChanges); a death or move-out
 * ends the person; a new
 * low-income approval sets the flag. A unit's move-out ends the unit; a unit's move-in changes nothing
 * (units are registered by market regulation, not at the door: the confirmed answer is the result). A
 * claim the register already agrees with needs none. `subject` is the target's register row if the
 * phone holds it.
 */
export function claimChanges(
  visitId: string,
  target: { subjectId: string; roomId: string; gridId: string; subjectKind: TargetSubject },
  claim: TargetClaim,
  subject: ClaimSubject | null,
  visitDate: string,
  newId?: NewId,
): Change[] {
  if (target.subjectKind === "unit") {
    if (claim.kind !== "move_out" || !subject || subject.endedAt) return [];
    return endChanges(visitId, "unit", subject, { code: "moved_out" }, claim.date ?? visitDate, newId);
  }
  const person = subject;
  switch (claim.kind) {
    case "move_in":
    case "birth": {
      // Only someone the register does not hold is added: one found in another room keeps their one
      // row (a second would break the one-person-per-document rule) and is moved instead.
      if (claim.kind === "move_in" && claim.outcome === "matched_diff")
        return movedInChanges(visitId, target, claim, subject, newId);
      if (person || claim.outcome !== "room") return [];
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

/**
 * The person's row moved to the door's room: its room becomes the door's and it leaves its household
 * (the household stays where it is; the file does not say which household here, if any, they joined). Change rows like any correction, from the register values the target
 * recorded, so a person who moved again meanwhile is a conflict for the reviewer, not overwritten.
 *
 * Only within the target's grid: every register row keeps its grid for life (a phone holds rows by
 * grid, and the pull has no way to take a row from one grid's phones to another's). A move-in from
 * another grid changes nothing; the confirmed answer still travels with the visit (visits.claims) for
 * the reviewer and the results export, and the review says where the register holds the person.
 */
export function movedInChanges(
  visitId: string,
  target: { subjectId: string; roomId: string; gridId: string },
  claim: TargetClaim,
  subject: ClaimSubject | null,
  newId?: NewId,
): Change[] {
  const from = claim.registered;
  if (!from || from.gridId !== target.gridId || from.roomId === target.roomId) return [];
  const diffs: FieldDiff[] = [{ field: "roomId", registerValue: from.roomId, observedValue: target.roomId }];
  if (from.householdId)
    diffs.push({ field: "householdId", registerValue: from.householdId, observedValue: null });
  return fieldChanges(visitId, "person", { id: target.subjectId, version: subject?.version }, diffs, newId);
}

/**
 * A move-in of someone the register holds elsewhere that confirming will not move (movedInChanges): the
 * register holds them in another grid, or the target does not say where. The officer and the reviewer
 * are told, so an approval is not taken for a move; the register's own process moves them.
 */
export function moveInStaysPut(claim: TargetClaim, targetGridId: string): boolean {
  if (claim.kind !== "move_in" || claim.outcome !== "matched_diff" || !claim.differences.includes("room"))
    return false;
  return !claim.registered || claim.registered.gridId !== targetGridId;
}

/** The person fields only a confirmed move-in may change (movedInChanges), never a form. */
export const MOVE_IN_FIELDS: readonly string[] = ["roomId", "householdId"];
