import "server-only";
import { getTableColumns, getTableName, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import pg from "pg";
import type { Db } from "@/db/client";

// Bulk writes shared by services. The push and approval's updates travel as one JSON parameter, so
// neither the number of statements nor of bind parameters grows with the batch; the import's batches go
// through COPY (below), PostgreSQL's own loader being the cheapest way in for thousands of rows: new rows
// straight into their table, changed rows into a staging table and one UPDATE … FROM it.

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
 * runs once per row of every pushed or approved batch. JSON, not JSONB: PostgreSQL reads `json_to_recordset`
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

// ---------------------------------------------------------------------------------------------
// COPY into the table, or into a staging table and set-based SQL from it (the import's batches)

/**
 * One value in COPY's text format: `\N` for null, backslash escapes for the separators. A JSON
 * column's value is always written as JSON (a string too: it is a JSON string, not the text itself).
 */
function copyValue(value: unknown, json: boolean): string {
  if (value === null || value === undefined) return "\\N";
  const text = json
    ? JSON.stringify(value)
    : value instanceof Date
      ? value.toISOString()
      : typeof value === "boolean"
        ? value
          ? "t"
          : "f"
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) =>
        c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
      )
    : text;
}

/**
 * Rows as COPY text (tab-separated, one line a row), only `fields`, in that order; `jsonFields` are
 * those of JSON columns.
 */
export function copyText(
  fields: readonly string[],
  rows: readonly Record<string, unknown>[],
  jsonFields: ReadonlySet<string> = new Set(),
): string {
  const json = fields.map((field) => jsonFields.has(field));
  let out = "";
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < fields.length; i++)
      line += (i === 0 ? "" : "\t") + copyValue(row[fields[i]], json[i]);
    out += `${line}\n`;
  }
  return out;
}

/** The COPY data travels in CopyData messages of at most this many bytes. */
const COPY_CHUNK = 1 << 20;

/**
 * node-postgres's custom-query ("Submittable") path: its own Query, which answers the server's
 * CopyInResponse with the data instead of refusing it. No COPY library is needed for a buffer in hand.
 */
class CopyIn extends pg.Query {
  constructor(
    text: string,
    private readonly data: Buffer,
    callback: (error: Error | undefined) => void,
  ) {
    super(text, undefined, callback);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }): void {
    for (let at = 0; at < this.data.length; at += COPY_CHUNK) {
      connection.sendCopyFromChunk(this.data.subarray(at, at + COPY_CHUNK));
    }
    connection.endCopyFrom();
  }
}

/** The driver's own client under a Drizzle database or transaction (a pg client, or PGlite). */
function driverClient(tx: Db): unknown {
  return (tx as unknown as { session: { client: unknown } }).session.client;
}

/**
 * `COPY <table> (<columns>) FROM STDIN` of `text` (COPY's text format, as a string or its UTF-8
 * bytes) on the connection `tx` runs on:
 * node-postgres through a custom query, PGlite through its `/dev/blob` device. `tx` must be a
 * transaction on node-postgres (a pool has no one connection to copy on).
 */
export async function copyFrom(
  tx: Db,
  target: string,
  columns: readonly string[],
  text: string | Buffer,
): Promise<void> {
  const client = driverClient(tx);
  const list = columns.map((c) => `"${c}"`).join(", ");
  if (client instanceof pg.Client) {
    const data = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    await new Promise<void>((resolve, reject) => {
      client.query(
        new CopyIn(`copy ${target} (${list}) from stdin`, data, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    });
    return;
  }
  if (client instanceof pg.Pool) throw new Error("copyFrom needs a transaction, not the pool");
  const pglite = client as {
    query(sql: string, params: unknown[], options: { blob: Blob }): Promise<unknown>;
  };
  await pglite.query(`copy ${target} (${list}) from '/dev/blob'`, [], {
    blob: new Blob([typeof text === "string" ? text : new Uint8Array(text)]),
  });
}

let stagingNumber = 0;

/**
 * A temporary table shaped like `fields` of `table` (types only: no constraint, index or trigger, so
 * COPY into it is as cheap as PostgreSQL's loader gets), filled by COPY with `text` (rows as
 * `copyText` writes them), dropped at commit.
 * Returns its name and the database names of the columns.
 */
async function stage(
  tx: Db,
  table: PgTable,
  fields: readonly string[],
  text: Buffer,
): Promise<{ name: string; columns: string[] }> {
  const all = getTableColumns(table) as Record<string, PgColumn>;
  const columns = fields.map((field) => all[field].name);
  stagingNumber = (stagingNumber + 1) % 1_000_000;
  const name = `doorstep_stage_${stagingNumber}`;
  await tx.execute(
    sql`create temp table ${sql.identifier(name)} on commit drop as
        select ${sql.raw(columns.map((c) => `"${c}"`).join(", "))} from ${table} with no data`,
  );
  await copyFrom(tx, name, columns, text);
  return { name, columns };
}

/**
 * A batch's rows already turned into COPY text, so the transaction that loads them only sends bytes:
 * the import prepares batch N+1's writes while batch N's run (issue 19). Run by `runCopyWrite`.
 */
export type CopyWrite =
  | { kind: "insert"; target: string; columns: string[]; data: Buffer }
  | { kind: "update"; table: PgTable; fields: string[]; data: Buffer };

/**
 * Rows made into COPY text per turn of the event loop. A batch's 2,000 persons took 10–25 ms in one
 * go, and the answers of the batch being written meanwhile waited behind them (issue 19).
 */
const COPY_ROWS_PER_TURN = 250;

/**
 * `fields` of `rows` as COPY text for `table`'s columns (JSON columns written as JSON), made a few
 * hundred rows per turn of the event loop, in UTF-8 bytes: a prepared batch waits for the one before
 * to be written, and as a string (thousands of pieces on the heap) it outlived the young generation,
 * doubling the time spent collecting garbage; bytes sit outside the heap.
 */
async function tableCopyData(
  table: PgTable,
  fields: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<Buffer> {
  const all = getTableColumns(table) as Record<string, PgColumn>;
  const jsonFields = new Set(fields.filter((field) => all[field].getSQLType().startsWith("json")));
  const parts: Buffer[] = [];
  for (let at = 0; at < rows.length; at += COPY_ROWS_PER_TURN) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    parts.push(Buffer.from(copyText(fields, rows.slice(at, at + COPY_ROWS_PER_TURN), jsonFields), "utf8"));
  }
  return Buffer.concat(parts);
}

/**
 * Many new rows inserted by one COPY straight into `table`: its defaults fill the other columns, its
 * constraints, indexes and triggers (row and statement, transition tables included) act as on an INSERT.
 * No staging table: rows known to be new have nothing to merge, and a staging table's CREATE, COPY and
 * INSERT … SELECT cost about a quarter more than this one COPY (issue 19, `npm run bench:import`).
 * `fields` are the table's property names. A row that collides (another writer got there first) fails
 * the COPY, and so the caller's transaction. Null when there are no rows.
 */
export async function prepareInsertViaCopy(
  table: PgTable,
  fields: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<CopyWrite | null> {
  if (rows.length === 0) return null;
  const all = getTableColumns(table) as Record<string, PgColumn>;
  return {
    kind: "insert",
    target: `"${getTableName(table)}"`,
    columns: fields.map((field) => all[field].name),
    data: await tableCopyData(table, fields, rows),
  };
}

/**
 * Many rows updated by id through a COPY into a staging table and one UPDATE … FROM it; `fields` are
 * set from each row. Null when there are no rows.
 */
export async function prepareUpdateViaCopy(
  table: PgTable,
  fields: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<CopyWrite | null> {
  if (rows.length === 0) return null;
  const withId = ["id", ...fields];
  return { kind: "update", table, fields: withId, data: await tableCopyData(table, withId, rows) };
}

/** Runs a prepared write on `tx` (a transaction on node-postgres, as `copyFrom` needs). */
export async function runCopyWrite(tx: Db, write: CopyWrite | null): Promise<void> {
  if (!write) return;
  if (write.kind === "insert") {
    await copyFrom(tx, write.target, write.columns, write.data);
    return;
  }
  const { name, columns } = await stage(tx, write.table, write.fields, write.data);
  const assignments = columns
    .slice(1)
    .map((c) => `"${c}" = s."${c}"`)
    .join(", ");
  await tx.execute(
    sql`update ${write.table} as t set ${sql.raw(assignments)} from ${sql.identifier(name)} as s where t.id = s.id`,
  );
}
