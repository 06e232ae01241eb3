import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { copyFrom, copyText } from "@/server/services/bulk";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";

// COPY's text format on both drivers (node-postgres's CopyIn query, PGlite's /dev/blob): what goes in
// comes back exactly, separators, backslashes, "\N" as text and nulls included.

const ROWS = [
  { n: 1, t: "plain 中文", b: true, d: "2024-02-29", j: { a: [1, "x"] } },
  { n: 2, t: "tab\there, new\nline, cr\rhere, back\\slash, \\N as text", b: false, d: null, j: null },
  { n: 3, t: null, b: null, d: "1900-01-01", j: "a string" },
  { n: 4, t: "", b: true, d: null, j: [] },
];

describe.each(databaseKinds)("COPY into a table (%s)", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await database.db.execute(sql`create table copied (n int, t text, b boolean, d date, j jsonb)`);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("round-trips every value, escapes included", async () => {
    const fields = ["n", "t", "b", "d", "j"];
    await database.db.transaction((tx) =>
      copyFrom(tx, "copied", fields, copyText(fields, ROWS, new Set(["j"]))),
    );
    const back = rowsOf<Record<string, unknown>>(
      await database.db.execute(sql`select n, t, b, to_char(d, 'YYYY-MM-DD') as d, j from copied order by n`),
    );
    expect(back).toEqual(ROWS);
  });

  it("a COPY that fails rolls its transaction back, rows before it included", async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into copied (n, t) values (100, 'before the copy')`);
        // The second line's n is not an integer: the whole COPY, and the transaction, fail.
        await copyFrom(tx, "copied", ["n", "t"], "101\tfine\nnot a number\tbad\n");
      }),
    ).rejects.toThrow(/integer/);
    const left = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from copied where n >= 100`),
    );
    expect(left[0].n).toBe(0);
  });
});
