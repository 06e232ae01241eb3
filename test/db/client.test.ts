import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, rowsOf } from "@/db/client";
import { areas } from "@/db/schema";
import { databaseKinds, openTestDatabase } from "../support/db";

const folder = mkdtempSync(path.join(tmpdir(), "doorstep-client-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("the embedded database folder", () => {
  const dataDir = path.join(folder, "data");

  it("keeps its data across a restart and migrates only once", async () => {
    const first = await openDatabase({ kind: "pglite", dataDir });
    await first.db.insert(areas).values({ level: "city", code: "4401", name: "广州市", path: "/4401/" });
    await first.close();

    const second = await openDatabase({ kind: "pglite", dataDir });
    const rows = await second.db.select().from(areas);
    expect(rows.map((r) => r.code)).toEqual(["4401"]);
    const migrations = rowsOf<{ n: number }>(
      await second.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`),
    );
    expect(migrations[0].n).toBeGreaterThanOrEqual(2);
    await second.close();
  });

  it("refuses a second process on the same folder, and takes over from a dead one", async () => {
    // pid 1 is always alive and never us: it stands in for another running server.
    writeFileSync(`${dataDir}.lock`, "1");
    await expect(openDatabase({ kind: "pglite", dataDir })).rejects.toThrow(/in use by process 1/);
    // A pid that cannot exist: the lock is stale and is taken over.
    writeFileSync(`${dataDir}.lock`, "2147483646");
    const database = await openDatabase({ kind: "pglite", dataDir });
    await database.close();
  });
});

describe.each(databaseKinds)("change stamps on %s", (kind) => {
  it("stamps inserts and updates with the writing transaction's id", async () => {
    const database = await openTestDatabase(kind);
    try {
      const { db } = database;
      const [city] = await db
        .insert(areas)
        .values({ level: "grid", code: "440104007101001", name: "网格", path: "/g/" })
        .returning();
      await db.execute(
        sql`insert into buildings (id, grid_id, code, address) values (gen_random_uuid(), ${city.id}, 'B1', '光塔路1号')`,
      );
      const [first] = rowsOf<{ xid: string }>(
        await db.execute(sql`select change_xid::text as xid from buildings`),
      );
      await db.execute(sql`update buildings set address = '光塔路2号'`);
      const [second] = rowsOf<{ xid: string }>(
        await db.execute(sql`select change_xid::text as xid from buildings`),
      );
      expect(BigInt(first.xid)).toBeGreaterThan(0n);
      expect(BigInt(second.xid)).toBeGreaterThan(BigInt(first.xid));
    } finally {
      await database.close();
    }
  });
});
