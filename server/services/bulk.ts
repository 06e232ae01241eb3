import "server-only";
import { getTableColumns, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";

// Bulk writes shared by services (push, import). Rows travel as one JSON parameter where they can, so
// neither the number of statements nor of bind parameters grows with the batch.

/** Postgres refuses a statement with more bind parameters than this. */
const MAX_BIND_PARAMETERS = 65_535;

/** Multi-row inserts, cut so no statement passes Postgres's bind-parameter limit. */
export async function insertChunked<T extends PgTable>(
  tx: Db,
  table: T,
  rows: readonly T["$inferInsert"][],
): Promise<void> {
  if (rows.length === 0) return;
  const perRow = Object.keys(getTableColumns(table)).length;
  const size = Math.max(1, Math.floor(MAX_BIND_PARAMETERS / perRow));
  for (let start = 0; start < rows.length; start += size) {
    await tx.insert(table).values(rows.slice(start, start + size) as never);
  }
}

/**
 * Rows as one JSON text keyed by the rows' own property names (the recordset's columns are named after
 * them), only `fields` kept; dates serialise as ISO text. A plain loop, not entries/fromEntries: this
 * runs once per row of every imported batch. JSON, not JSONB: PostgreSQL reads `json_to_recordset`
 * without first building a JSONB value, which is measurably cheaper for a batch read once.
 */
function recordset(table: PgTable, fields: readonly string[], rows: readonly Record<string, unknown>[]) {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const column = (field: string) => `"${columns[field].name}"`;
  const value = (field: string) => `d."${field}"`;
  const shape = fields.map((field) => `"${field}" ${columns[field].getSQLType()}`).join(", ");
  const picked = rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const field of fields) out[field] = row[field];
    return out;
  });
  return { column, value, shape, json: JSON.stringify(picked) };
}

/**
 * One INSERT of many rows from a JSON recordset: one bind parameter whatever the batch size, and no
 * per-value work in the query builder. `fields` are the table's property names; the others keep their
 * database defaults.
 */
export async function insertFromRecordset(
  tx: Db,
  table: PgTable,
  fields: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const { column, value, shape, json } = recordset(table, fields, rows);
  await tx.execute(
    sql`insert into ${table} (${sql.raw(fields.map(column).join(", "))})
        select ${sql.raw(fields.map(value).join(", "))} from json_to_recordset(${json}::json) as d(${sql.raw(shape)})`,
  );
}

/** One UPDATE of many rows by id: `fields` are set from each row, the rows travelling as one JSON parameter. */
export async function updateFromRecordset(
  tx: Db,
  table: PgTable,
  fields: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const { column, value, shape, json } = recordset(table, ["id", ...fields], rows);
  const assignments = fields.map((field) => `${column(field)} = ${value(field)}`).join(", ");
  await tx.execute(
    sql`update ${table} as t set ${sql.raw(assignments)}
        from json_to_recordset(${json}::json) as d(${sql.raw(shape)})
        where t.id = ${sql.raw(value("id"))}`,
  );
}
