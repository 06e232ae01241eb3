import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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

describe("the embedded database folder's lock", () => {
  const real = path.join(folder, "real-data");
  const link = path.join(folder, "link-data");

  it("is keyed on the folder's real path: reached through a symlink, a held folder is refused too", async () => {
    mkdirSync(real, { recursive: true });
    symlinkSync(real, link);
    // pid 1 stands in for another running server, holding the folder by its real name.
    writeFileSync(`${real}.lock`, "1");
    await expect(openDatabase({ kind: "pglite", dataDir: link })).rejects.toThrow(
      `The data folder ${link} is in use by process 1`,
    );
    await expect(
      openDatabase({ kind: "pglite", dataDir: path.join(link, "..", "real-data") }),
    ).rejects.toThrow(/in use by process 1/);
    rmSync(`${real}.lock`);
  });

  it("refused at the server's start, stops it with a clear message instead of leaving it to answer 500", () => {
    writeFileSync(`${real}.lock`, "1");
    try {
      const start = spawnSync(
        process.execPath,
        ["--conditions=react-server", "--import", "tsx", "test/support/start-app.ts"],
        {
          env: { ...process.env, DATABASE_URL: "", DOORSTEP_DATA_DIR: link, DOORSTEP_DEMO: "0" },
          encoding: "utf8",
          timeout: 60_000,
        },
      );
      expect(start.status).toBe(1);
      expect(start.stdout).not.toContain("started");
      expect(start.stderr).toContain(
        `[doorstep] The data folder ${link} is in use by process 1. Stop it first: PGlite cannot share a folder between processes.`,
      );
    } finally {
      rmSync(`${real}.lock`, { force: true });
    }
  }, 90_000);
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
