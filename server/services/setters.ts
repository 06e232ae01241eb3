import "server-only";

import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { changes, users, visits } from "@/db/schema";
import type { Role } from "@/domain/auth";
import { sameValue } from "@/domain/merge";
import type { ValueSetter } from "@/domain/push";
import type { ChangeEntity } from "@/domain/visit";
import type { SessionUser } from "./auth";
import { columnForm } from "./register-values";

/**
 * Who set the value a conflict met, so the officer and the supervisor are told whose value stands
 * against theirs. Changes already record their authors: a correction its visit's officer (the
 * register takes it when a supervisor approves the visit), a settlement its `resolvedBy`. A value
 * no change wrote is the register's own, as a department's import loaded it.
 *
 * The push and the approval know who wrote what they laid over or applied in their own transaction;
 * for a value that was in the register before, they ask `registerSetters`. The answer is stored with
 * the conflict (`serverFrom`, `serverSetBy`) when it arises: the value it met is fixed then, and so is
 * its author, whatever the register does afterwards.
 */

export type SetterSource = { from: "user"; userId: string } | { from: "register" };

export interface SetterQuestion {
  entity: ChangeEntity;
  entityId: string;
  field: string;
  /** The value the register holds, in the wire's form. */
  value: unknown;
}

/**
 * For each question: the person whose settled change last wrote the field, if the register still holds
 * what they wrote (the latest approved correction, by approval time, or the latest settlement, by its
 * time); else the officer who added the row at the door, if the value is theirs; else the register's
 * own data. Pending corrections are not asked about: they are not in the register.
 */
export async function registerSetters(tx: Db, questions: readonly SetterQuestion[]): Promise<SetterSource[]> {
  if (questions.length === 0) return [];
  const ids = [...new Set(questions.map((q) => q.entityId))];
  const rows = await tx
    .select({
      entity: changes.entity,
      entityId: changes.entityId,
      field: changes.field,
      status: changes.status,
      observedValue: changes.observedValue,
      resolvedValue: changes.resolvedValue,
      resolvedBy: changes.resolvedBy,
      resolvedAt: changes.resolvedAt,
      officerId: visits.officerId,
      reviewedAt: visits.reviewedAt,
      seq: changes.seq,
    })
    .from(changes)
    .innerJoin(visits, eq(visits.id, changes.visitId))
    .where(
      and(
        sql`${changes.entityId} = any(${sql.param(ids)}::uuid[])`,
        sql`${changes.status} in ('applied', 'resolved')`,
      ),
    );
  return questions.map((question) => {
    const mine = rows.filter((row) => row.entity === question.entity && row.entityId === question.entityId);
    const writes = mine.flatMap((row) => {
      if (row.field !== question.field) return [];
      if (row.status === "applied")
        return [
          { at: row.reviewedAt?.getTime() ?? 0, seq: row.seq, value: row.observedValue, by: row.officerId },
        ];
      if (!row.resolvedBy) return [];
      return [
        { at: row.resolvedAt?.getTime() ?? 0, seq: row.seq, value: row.resolvedValue, by: row.resolvedBy },
      ];
    });
    writes.sort((a, b) => b.at - a.at || b.seq - a.seq);
    const same = (value: unknown) =>
      sameValue(columnForm(question.field, value), columnForm(question.field, question.value));
    const latest = writes[0];
    if (latest && same(latest.value)) return { from: "user", userId: latest.by };
    const added = mine.find((row) => row.field === "*" && row.status === "applied");
    const values = added?.observedValue as Record<string, unknown> | null | undefined;
    if (added && !latest && values && typeof values === "object" && same(values[question.field]))
      return { from: "user", userId: added.officerId };
    return { from: "register" };
  });
}

/** A stored source as the reader is told it: staff by name and role, the reader as themselves. */
export async function namedSetters(
  tx: Db,
  reader: Pick<SessionUser, "id">,
  sources: readonly { from: string | null; userId: string | null }[],
): Promise<(ValueSetter | null)[]> {
  const ids = [...new Set(sources.flatMap((s) => (s.from === "user" && s.userId ? [s.userId] : [])))];
  const people = ids.length
    ? await tx
        .select({ id: users.id, name: users.displayName, role: users.role })
        .from(users)
        .where(sql`${users.id} = any(${sql.param(ids)}::uuid[])`)
    : [];
  const byId = new Map(people.map((person) => [person.id, person]));
  return sources.map((source): ValueSetter | null => {
    if (source.from === "register") return { kind: "register" };
    const person = source.from === "user" && source.userId ? byId.get(source.userId) : undefined;
    if (!person) return null;
    return { kind: "user", name: person.name, role: person.role as Role, self: person.id === reader.id };
  });
}
