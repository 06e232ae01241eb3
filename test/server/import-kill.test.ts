import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { areas, buildings, rooms } from "@/db/schema";
import { createTranslator } from "@/domain/i18n";
import { citizenIdCheckChar } from "@/domain/validators/citizen-id";
import { importFile } from "@/server/services/import";
import { openTestDatabase, type TestDatabase } from "../support/db";
import { seedSmallStreet } from "../support/fixture";

// The import command killed outright (SIGKILL: no handler runs, no rollback is sent) part-way through a
// file: what the database holds must be whole batches, the first ones of the file, the import's audit
// entry must be there and count exactly those batches (it is written when the import starts and updated
// in each batch's own transaction), and running the same file again must finish the job without a
// duplicate. PostgreSQL only: killing the process that embeds
// PGlite is killing the database itself, which is not what an administrator's Ctrl-C or a crashed
// server does to a real deployment.

const ROWS = 40_000;
const BATCH = 500;
const HEADERS = "姓名,公民身份号码,性别,出生日期,户号,社区代码,建筑物编码,单元,房号";
/** Everyone in the file was born in 1931, which no demo person was, so the test finds its rows by that. */
const YEAR = 1931;

function idOf(i: number): string {
  const day = new Date(Date.UTC(YEAR, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
  const body = `440104${day.replaceAll("-", "")}${String(1 + Math.floor(i / 365)).padStart(3, "0")}`;
  return body + citizenIdCheckChar(body);
}

interface AuditDetail {
  status: string;
  batches: number;
  read: number;
  inserted: number;
  file: string;
  stoppedAt: { row: number; reason: string } | null;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)("import killed half-way (postgresql)", () => {
  let database: TestDatabase;
  let dir: string;
  let file: string;

  const imported = async () =>
    rowsOf<{ id_number: string; household_no: string | null }>(
      await database.db.execute(sql`
        select p.id_number, h.household_no from persons p left join households h on h.id = p.household_id
        where extract(year from p.birth_date) = ${YEAR}`),
    );

  const auditsOfFile = async () =>
    rowsOf<{ detail: AuditDetail }>(
      await database.db.execute(
        sql`select detail from audit_log where action = 'import' and detail->>'file' = 'persons.csv' order by id`,
      ),
    ).map((r) => r.detail);

  const householdsOfFile = async () =>
    rowsOf<{ household_no: string }>(
      await database.db.execute(
        sql`select household_no from households where household_no like 'K%' order by household_no`,
      ),
    ).map((r) => r.household_no);

  beforeAll(async () => {
    database = await openTestDatabase("postgresql");
    await seedSmallStreet(database);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "doorstep-import-kill-"));
    file = path.join(dir, "persons.csv");
    const places = await database.db
      .select({
        buildingCode: buildings.code,
        unitNo: rooms.unitNo,
        roomNo: rooms.roomNo,
        communityCode: sql<string>`(select c.code from areas c where c.id = ${areas.parentId})`,
      })
      .from(rooms)
      .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
      .innerJoin(areas, eq(areas.id, buildings.gridId));
    const lines = [HEADERS];
    for (let i = 0; i < ROWS; i++) {
      // Households of three, so some straddle a batch boundary.
      const household = Math.floor(i / 3);
      const place = places[household % places.length];
      const id = idOf(i);
      lines.push(
        [
          `测试${i}`,
          id,
          Number(id[16]) % 2 === 1 ? "男" : "女",
          `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
          `K${String(household).padStart(7, "0")}`,
          place.communityCode,
          place.buildingCode,
          place.unitNo ?? "",
          place.roomNo,
        ].join(","),
      );
    }
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
  });

  afterAll(async () => {
    await database?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("leaves whole batches only, and the same file run again imports the rest once", async () => {
    let child: ChildProcess | null = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        "scripts/import.ts",
        "--kind",
        "persons",
        "--file",
        file,
        "--batch",
        String(BATCH),
      ],
      { env: { ...process.env, DATABASE_URL: database.url as string }, stdio: "ignore" },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child?.once("exit", (_, s) => resolve(s)));
    try {
      // Kill it once a few batches have committed, at the worst moment: while a batch's transaction has
      // written rows (its backend holds a transaction id) and not yet committed.
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (Date.now() > deadline) throw new Error("the import never reached a fifth batch");
        const [state] = rowsOf<{ committed: number; writing: number }>(
          await database.db.execute(sql`
            select (select count(*)::int from persons where extract(year from birth_date) = ${YEAR}) as committed,
                   (select count(*)::int from pg_stat_activity
                     where datname = current_database() and pid <> pg_backend_pid() and backend_xid is not null) as writing`),
        );
        if (state.committed >= 4 * BATCH && state.writing > 0) break;
      }
      child.kill("SIGKILL");
      expect(await exited).toBe("SIGKILL");
      child = null;
    } finally {
      child?.kill("SIGKILL");
    }

    // The server ends the killed connection's transaction; until it has, its rows are invisible anyway.
    const kept = await imported();
    expect(kept.length).toBeGreaterThanOrEqual(4 * BATCH);
    expect(kept.length).toBeLessThan(ROWS);
    expect(kept.length % BATCH).toBe(0);
    // The first batches of the file, each person with the household the file gave them.
    const expected = new Map(
      Array.from({ length: kept.length }, (_, i) => [
        idOf(i),
        `K${String(Math.floor(i / 3)).padStart(7, "0")}`,
      ]),
    );
    expect(new Map(kept.map((r) => [r.id_number, r.household_no]))).toEqual(expected);
    // No household made by a batch that did not commit.
    expect(await householdsOfFile()).toEqual([...new Set(expected.values())].sort());
    // The killed import is audited: its entry, written at the start, counts the committed batches and
    // their rows, and still says it was running (nothing finished it).
    const [killed, ...more] = await auditsOfFile();
    expect(more).toEqual([]);
    expect(killed).toMatchObject({
      status: "running",
      batches: kept.length / BATCH,
      read: kept.length,
      inserted: kept.length,
    });

    const report = await importFile(database.db, {
      kind: "persons",
      file,
      translate: createTranslator("zh-CN"),
      batchSize: BATCH,
      rejectedPath: null,
    });
    expect(report.stoppedAt).toBeUndefined();
    expect([report.read, report.unchanged, report.inserted, report.rejected]).toEqual([
      ROWS,
      kept.length,
      ROWS - kept.length,
      0,
    ]);
    const all = await imported();
    expect(all).toHaveLength(ROWS);
    expect(new Set(all.map((r) => r.id_number)).size).toBe(ROWS);
    expect(await householdsOfFile()).toHaveLength(Math.ceil(ROWS / 3));
    const [, again] = await auditsOfFile();
    expect(again).toMatchObject({ status: "finished", batches: ROWS / BATCH, read: ROWS });
  }, 120_000);

  it("Ctrl-C stops the command after the batch being written, and its entry says cancelled", async () => {
    const before = (await auditsOfFile()).length;
    const child = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        "scripts/import.ts",
        "--kind",
        "persons",
        "--file",
        file,
        "--batch",
        String(BATCH),
      ],
      { env: { ...process.env, DATABASE_URL: database.url as string }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (Date.now() > deadline) throw new Error(`the import never reached a second batch: ${output}`);
        const entry = (await auditsOfFile())[before];
        if (entry && entry.batches >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill("SIGINT");
      expect(await exited).toBe(1);
    } finally {
      child.kill("SIGKILL");
    }
    const entry = (await auditsOfFile())[before];
    expect(entry.status).toBe("cancelled");
    expect(entry.batches).toBeGreaterThanOrEqual(2);
    expect(entry.batches).toBeLessThan(ROWS / BATCH);
    expect(entry.read).toBe(entry.batches * BATCH);
    expect(entry.stoppedAt).toEqual({ row: entry.read + 2, reason: expect.stringContaining("导入已取消") });
    expect(output).toContain("导入已取消");
  }, 120_000);
});
