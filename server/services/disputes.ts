import "server-only";
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { areas, buildings, households, persons, residentFeedback, rooms } from "@/db/schema";
import { maskName, maskPhone } from "@/domain/mask";
import { AppError } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { inScope } from "./scope";

/**
 * The supervisor's dispute queue: resident feedback of kind `dispute` (sent from /check by check.ts)
 * under the caller's area, and marking one handled. Confirmations are feedback too, but need no one
 * to act on them, so they never enter the queue.
 */

export interface DisputesInput {
  campaignId?: string;
  /** Open disputes only (the default), or handled ones too. */
  includeHandled?: boolean;
  limit: number;
  offset: number;
}

/** Residents' disputes under the caller's area, newest first; names and the phone are masked. */
export async function listDisputes(db: Db, user: SessionUser, input: DisputesInput) {
  const rows = await db
    .select({
      id: residentFeedback.id,
      campaignId: residentFeedback.campaignId,
      householdId: residentFeedback.householdId,
      householdNo: households.householdNo,
      gridId: residentFeedback.gridId,
      gridName: areas.name,
      gridPath: areas.path,
      roomId: rooms.id,
      address: buildings.address,
      unitNo: rooms.unitNo,
      roomNo: rooms.roomNo,
      fields: residentFeedback.fields,
      comment: residentFeedback.comment,
      phone: residentFeedback.phone,
      createdAt: residentFeedback.createdAt,
      handledAt: residentFeedback.handledAt,
      handledNote: residentFeedback.handledNote,
    })
    .from(residentFeedback)
    .innerJoin(areas, eq(areas.id, residentFeedback.gridId))
    .innerJoin(households, eq(households.id, residentFeedback.householdId))
    .innerJoin(rooms, eq(rooms.id, households.roomId))
    .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
    .where(
      and(
        eq(residentFeedback.kind, "dispute"),
        sql`starts_with(${areas.path}, ${user.areaPath})`,
        input.campaignId ? eq(residentFeedback.campaignId, input.campaignId) : undefined,
        input.includeHandled ? undefined : isNull(residentFeedback.handledAt),
      ),
    )
    .orderBy(desc(residentFeedback.createdAt), asc(residentFeedback.id))
    .limit(input.limit)
    .offset(input.offset);
  const visible = rows.filter((row) => inScope(user, row.gridPath));
  // The members a dispute names, by masked name: enough to find them on the household's page.
  const personIds = [
    ...new Set(visible.flatMap((row) => (row.fields ?? []).flatMap((f) => (f.personId ? [f.personId] : [])))),
  ];
  const names = new Map(
    personIds.length === 0
      ? []
      : (
          await db
            .select({ id: persons.id, name: persons.name })
            .from(persons)
            .where(inArray(persons.id, personIds))
        ).map((p) => [p.id, maskName(p.name)]),
  );
  return visible.map(({ gridPath: _path, phone, ...row }) => ({
    ...row,
    fields: (row.fields ?? []).map((f) => ({
      ...f,
      personName: f.personId ? (names.get(f.personId) ?? null) : null,
    })),
    phone: maskPhone(phone),
  }));
}

export interface HandleDisputeInput {
  id: string;
  note: string;
}

/**
 * A supervisor marks a dispute handled, saying what was done; it leaves the officer's revisit list on
 * their next pull. Handling twice keeps the first answer.
 */
export async function handleDispute(db: Db, user: SessionUser, input: HandleDisputeInput) {
  if (!input.note) throw new AppError("BAD_REQUEST", "dispute.noteRequired");
  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db;
    const [row] = await tx
      .select({
        id: residentFeedback.id,
        gridPath: areas.path,
        handledAt: residentFeedback.handledAt,
        handledNote: residentFeedback.handledNote,
      })
      .from(residentFeedback)
      .innerJoin(areas, eq(areas.id, residentFeedback.gridId))
      .where(and(eq(residentFeedback.id, input.id), eq(residentFeedback.kind, "dispute")))
      .for("update", { of: residentFeedback });
    if (!row || !inScope(user, row.gridPath)) throw new AppError("NOT_FOUND", "errors.notFound");
    if (row.handledAt) return { id: row.id, handledAt: row.handledAt, handledNote: row.handledNote };
    const [updated] = await tx
      .update(residentFeedback)
      .set({
        handledAt: new Date(),
        handledBy: user.id,
        handledNote: input.note,
        version: sql`${residentFeedback.version} + 1`,
      })
      .where(eq(residentFeedback.id, input.id))
      .returning({
        id: residentFeedback.id,
        handledAt: residentFeedback.handledAt,
        handledNote: residentFeedback.handledNote,
      });
    await writeAudit(tx, {
      userId: user.id,
      action: "dispute_handled",
      entity: "resident_feedback",
      entityId: input.id,
      areaPath: row.gridPath,
    });
    return updated;
  });
}
