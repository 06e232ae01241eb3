import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLog } from "@/db/schema";

export interface AuditEntry {
  userId?: string | null;
  action: string;
  entity?: string;
  entityId?: string;
  areaPath?: string;
  ip?: string;
  detail?: Record<string, unknown>;
}

const values = (entry: AuditEntry) => ({
  userId: entry.userId ?? null,
  action: entry.action,
  entity: entry.entity,
  entityId: entry.entityId,
  areaPath: entry.areaPath,
  ip: entry.ip,
  detail: entry.detail,
});

export async function writeAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(values(entry));
}

/**
 * Writes the entry of an operation that runs a while (an import) when it starts, and returns its id:
 * the operation then amends it as it goes, so one that is killed or cancelled half-way still leaves an
 * entry saying how far it got.
 */
export async function openAudit(db: Db, entry: AuditEntry): Promise<number> {
  const [row] = await db.insert(auditLog).values(values(entry)).returning({ id: auditLog.id });
  return row.id;
}

/**
 * Merges `detail` into an entry's detail (its top-level keys replace those there) and appends the
 * items of `append` to the arrays under their keys, in one statement: inside a transaction, the entry
 * changes exactly when the work it describes commits. Appending, not rewriting, keeps a long list (an
 * import's overrides) from being sent again with every batch.
 */
export async function amendAudit(
  db: Db,
  id: number,
  detail: Record<string, unknown>,
  append: Record<string, unknown[]> = {},
): Promise<void> {
  let merged = sql`coalesce(detail, '{}'::jsonb) || ${JSON.stringify(detail)}::jsonb`;
  for (const [key, items] of Object.entries(append)) {
    if (items.length === 0) continue;
    merged = sql`jsonb_set(${merged}, ${`{${key}}`}::text[], coalesce(detail -> ${key}, '[]'::jsonb) || ${JSON.stringify(items)}::jsonb)`;
  }
  await db.execute(sql`update audit_log set detail = ${merged} where id = ${id}`);
}
