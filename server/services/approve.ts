import "server-only";

import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { changes, persons, visits } from "@/db/schema";
import { sameValue } from "@/domain/merge";
import type { ChangeEntity } from "@/domain/visit";
import { AppError } from "../errors";
import { insertChunked, updateFromRecordset } from "./bulk";
import { ensureCodes } from "./codes";
import {
  columnForm,
  ENTITY_ORDER,
  IDENTITY_FIELDS,
  identitySchema,
  keyOf,
  lockRegisterRows,
  type Row,
  TABLES,
  toColumn,
  wireValue,
} from "./register-values";
import { registerSetters, type SetterQuestion, type SetterSource } from "./setters";

/**
 * The review gate's second half: approving visits writes their pending corrections and new rows
 * into the register, in the order the visits arrived, in the caller's transaction.
 *
 * Each corrected field is checked again against the register as it is now: the officer's value goes
 * in while the register still holds what the officer saw (or what it held at the push, for a value
 * the officer saw laid over it by their own earlier visit); a register that already holds the
 * officer's value leaves it `unchanged`; a register that moved elsewhere meanwhile makes the field a
 * `conflict`, stored with the value now held, never overwritten. A new row whose parent is itself
 * still waiting for review, or a member whose document the register holds by now, stops the
 * approval in words: the supervisor approves the earlier visit first, or returns this one.
 */

type PendingChange = typeof changes.$inferSelect;

const anyOf = (column: PgColumn, values: readonly string[]) =>
  sql`${column} = any(${sql.param(values)}::uuid[])`;

/** Ids of the rows a new row hangs off, by the entity they are. */
function parentsOf(entity: ChangeEntity, values: Record<string, unknown>): [ChangeEntity, unknown][] {
  switch (entity) {
    case "household":
      return [["room", values.roomId]];
    case "person":
      return [
        ["household", values.householdId],
        ["room", values.roomId],
      ];
    case "rental_tenant":
      return [
        ["rental", values.rentalId],
        ["person", values.personId],
      ];
    default:
      return [];
  }
}

async function lockRows(tx: Db, pending: readonly PendingChange[]): Promise<Map<string, Row>> {
  const ids = new Map<ChangeEntity, Set<string>>(ENTITY_ORDER.map((entity) => [entity, new Set()]));
  for (const change of pending) {
    ids.get(change.entity as ChangeEntity)?.add(change.entityId);
    if (change.field === "*" && change.observedValue && typeof change.observedValue === "object") {
      for (const [entity, id] of parentsOf(
        change.entity as ChangeEntity,
        change.observedValue as Record<string, unknown>,
      ))
        if (typeof id === "string") ids.get(entity)?.add(id);
    }
  }
  return lockRegisterRows(tx, ids);
}

export async function applyApprovedChanges(tx: Db, visitIds: readonly string[], now: Date): Promise<void> {
  if (visitIds.length === 0) return;
  const pending = (
    await tx
      .select({ change: changes, campaignId: visits.campaignId, officerId: visits.officerId })
      .from(changes)
      .innerJoin(visits, eq(visits.id, changes.visitId))
      .where(and(inArray(changes.visitId, [...visitIds]), eq(changes.status, "pending")))
      .orderBy(asc(changes.seq))
  ).map((row) => ({ ...row.change, campaignId: row.campaignId, officerId: row.officerId }));
  if (pending.length === 0) return;
  const rows = await lockRows(tx, pending);

  // New rows first, parents before children, as the push judged them.
  const rank = (change: PendingChange) =>
    change.field === "*" ? ENTITY_ORDER.indexOf(change.entity as ChangeEntity) : ENTITY_ORDER.length;
  const ordered = [...pending].sort((a, b) => rank(a) - rank(b));

  const created = new Map<ChangeEntity, Record<string, unknown>[]>();
  const newHouseholds = new Map<string, string[]>();
  const dirty = new Map<string, Set<string>>();
  const status = new Map<
    string,
    { status: "applied" | "unchanged" | "conflict"; serverValue?: unknown; source?: SetterSource }
  >();
  /** Who wrote each field this approval applied (`key|field`): the officer of its visit. */
  const setters = new Map<string, string>();
  /** Conflicts whose value was in the register before this approval: setters.ts finds who set it. */
  const asked: { changeId: string; question: SetterQuestion }[] = [];
  const identityTouched = new Set<string>();

  const newPersons = ordered.filter((c) => c.field === "*" && c.entity === "person");
  const documents = newPersons.map((c) => (c.observedValue as Record<string, unknown>).idNumber as string);
  const taken = documents.length
    ? await tx
        .select({ idType: persons.idType, idNumber: persons.idNumber })
        .from(persons)
        .where(sql`${persons.idNumber} = any(${sql.param(documents)}::text[])`)
    : [];
  const takenKeys = new Set(taken.map((row) => `${row.idType}|${row.idNumber}`));

  for (const change of ordered) {
    const entity = change.entity as ChangeEntity;
    const key = keyOf(entity, change.entityId);
    if (change.field === "*") {
      const values = change.observedValue as Record<string, unknown>;
      for (const [parent, id] of parentsOf(entity, values)) {
        if (id === null || id === undefined) continue;
        const held = typeof id === "string" ? rows.get(keyOf(parent, id)) : undefined;
        if (!held || held.endedAt) throw new AppError("CONFLICT", "review.parentPending");
      }
      if (entity === "person") {
        const document = `${values.idType}|${values.idNumber}`;
        if (takenKeys.has(document)) throw new AppError("CONFLICT", "review.personRegistered");
        takenKeys.add(document);
      }
      if (rows.has(key)) throw new AppError("CONFLICT", "review.parentPending");
      const row = {
        ...values,
        id: change.entityId,
        gridId: change.gridId,
        version: 1,
        source: "field",
        createdAt: now,
        updatedAt: now,
      } as Row;
      rows.set(key, row);
      created.set(entity, [...(created.get(entity) ?? []), row]);
      if (entity === "household") {
        newHouseholds.set(change.campaignId, [...(newHouseholds.get(change.campaignId) ?? []), row.id]);
      }
      status.set(change.id, { status: "applied" });
      continue;
    }
    const row = rows.get(key);
    if (!row) throw new AppError("CONFLICT", "review.parentPending");
    const now_ = wireValue(row, change.field);
    const observed = columnForm(change.field, change.observedValue);
    if (sameValue(now_, observed)) {
      status.set(change.id, { status: "unchanged" });
      continue;
    }
    const held =
      sameValue(now_, columnForm(change.field, change.registerValue)) || sameValue(now_, change.serverValue);
    if (!held) {
      const by = setters.get(`${key}|${change.field}`);
      status.set(change.id, {
        status: "conflict",
        serverValue: now_,
        source: by ? { from: "user", userId: by } : undefined,
      });
      if (!by)
        asked.push({
          changeId: change.id,
          question: { entity, entityId: change.entityId, field: change.field, value: now_ },
        });
      continue;
    }
    row[change.field] = toColumn(change.field, change.observedValue);
    const fields = dirty.get(key) ?? new Set<string>();
    fields.add(change.field);
    dirty.set(key, fields);
    if (entity === "person" && IDENTITY_FIELDS.has(change.field)) identityTouched.add(key);
    setters.set(`${key}|${change.field}`, change.officerId);
    status.set(change.id, { status: "applied" });
  }
  for (const key of identityTouched) {
    if (!identitySchema.safeParse(rows.get(key)).success)
      throw new AppError("CONFLICT", "review.identityConflict");
  }

  for (const entity of ENTITY_ORDER)
    await insertChunked(tx, TABLES[entity], (created.get(entity) ?? []) as never);
  const groups = new Map<string, { entity: ChangeEntity; fields: string[]; rows: Row[] }>();
  for (const [key, fields] of dirty) {
    const entity = key.slice(0, key.indexOf(":")) as ChangeEntity;
    const row = rows.get(key) as Row;
    if (created.get(entity)?.includes(row)) continue;
    row.version += 1;
    row.updatedAt = now;
    const sorted = [...fields].sort();
    const group = groups.get(`${entity}|${sorted}`) ?? { entity, fields: sorted, rows: [] };
    group.rows.push(row);
    groups.set(`${entity}|${sorted}`, group);
  }
  for (const group of groups.values())
    await updateFromRecordset(
      tx,
      TABLES[group.entity],
      [...group.fields, "version", "updatedAt"],
      group.rows,
    );

  for (const settled of ["applied", "unchanged"] as const) {
    const ids = [...status].filter(([, s]) => s.status === settled).map(([id]) => id);
    if (ids.length > 0)
      await tx.update(changes).set({ status: settled, serverValue: null }).where(anyOf(changes.id, ids));
  }
  const found = await registerSetters(
    tx,
    asked.map((entry) => entry.question),
  );
  asked.forEach((entry, index) => {
    const judged = status.get(entry.changeId);
    if (judged) judged.source = found[index];
  });
  for (const [id, judged] of status)
    if (judged.status === "conflict")
      await tx
        .update(changes)
        .set({
          status: "conflict",
          serverValue: judged.serverValue ?? null,
          serverFrom: judged.source?.from ?? null,
          serverSetBy: judged.source?.from === "user" ? judged.source.userId : null,
        })
        .where(eq(changes.id, id));
  // A household found at the door gets its visit-slip code as it enters the register.
  for (const [campaignId, ids] of newHouseholds) await ensureCodes(tx, campaignId, ids);
}

/** A returned visit's corrections never reach the register. */
export async function returnChanges(tx: Db, visitIds: readonly string[]): Promise<void> {
  if (visitIds.length === 0) return;
  await tx
    .update(changes)
    .set({ status: "returned" })
    .where(and(inArray(changes.visitId, [...visitIds]), eq(changes.status, "pending")));
}
