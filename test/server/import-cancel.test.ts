// The admin page's import cancelled half-way: the browser goes away (a closed tab, a lost network) and
// Next cancels the answer's stream. The import stops at the next batch boundary, the batches committed
// so far stay, nothing is logged as an error ("Controller is already closed" used to be, and the import
// then ended without an audit entry), and the entry written when the import started says it was
// cancelled and counts exactly the committed batches.

import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as importPost } from "@/app/api/import/route";
import { type Database, rowsOf } from "@/db/client";
import { areas, buildings, rooms } from "@/db/schema";
import { citizenIdCheckChar } from "@/domain/validators/citizen-id";
import { DEFAULT_BATCH_SIZE } from "@/server/services/import";
import { databaseKinds, openTestDatabase } from "../support/db";
import { loginAs, seedSmallStreet } from "../support/fixture";

const BASE = "http://localhost:3000";
const BATCHES = 4;
const ROWS = BATCHES * DEFAULT_BATCH_SIZE;
const YEAR = 1932;

function idOf(i: number): string {
  const day = new Date(Date.UTC(YEAR, 0, 1) + (i % 366) * 86_400_000).toISOString().slice(0, 10);
  const body = `440104${day.replaceAll("-", "")}${String(1 + Math.floor(i / 366)).padStart(3, "0")}`;
  return body + citizenIdCheckChar(body);
}

interface AuditDetail {
  status: string;
  batches: number;
  read: number;
  inserted: number;
  stoppedAt: { row: number; reason: string } | null;
}

describe.each(databaseKinds)("an import whose answer is cancelled, on %s", (kind) => {
  let database: Database;
  let admin: string;
  let csv: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    admin = await loginAs(database, "admin");
    globalThis.__doorstepDatabase = Promise.resolve(database);
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
    const lines = ["姓名,公民身份号码,性别,出生日期,户号,社区代码,建筑物编码,单元,房号"];
    for (let i = 0; i < ROWS; i++) {
      const id = idOf(i);
      const place = places[Math.floor(i / 3) % places.length];
      lines.push(
        [
          `取消${i}`,
          id,
          Number(id[16]) % 2 === 1 ? "男" : "女",
          `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
          `C${String(Math.floor(i / 3)).padStart(7, "0")}`,
          place.communityCode,
          place.buildingCode,
          place.unitNo ?? "",
          place.roomNo,
        ].join(","),
      );
    }
    csv = `${lines.join("\r\n")}\r\n`;
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });
  afterEach(() => vi.restoreAllMocks());

  const audits = async () =>
    rowsOf<{ detail: AuditDetail }>(
      await database.db.execute(
        sql`select detail from audit_log where action = 'import' and detail->>'file' = 'cancel.csv' order by id`,
      ),
    ).map((r) => r.detail);

  it("stops at a batch boundary, logs no error, and leaves an audit entry counting the committed batches", async () => {
    // Watched, not replaced: whatever the route logs still goes to the console.
    const logged: string[] = [];
    const original = console.error;
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(" "));
      original(...args);
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const response = await importPost(
        new Request(`${BASE}/api/import?kind=persons&dryRun=0&name=cancel.csv`, {
          method: "POST",
          body: csv,
          headers: { host: "localhost:3000", "content-type": "application/octet-stream", cookie: admin },
        }),
      );
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = "";
      // The first batch's progress line: a batch has committed. Then the browser goes away.
      while (!/"rowsRead":[1-9]/.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the answer ended before a batch was imported: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
      await reader.cancel(new Error("the tab was closed"));

      // The import winds down on its own; its audit entry says when it has.
      const deadline = Date.now() + 60_000;
      let entry: AuditDetail | undefined;
      for (;;) {
        [entry] = await audits();
        if (entry && entry.status !== "running") break;
        if (Date.now() > deadline) throw new Error(`the import never stopped: ${JSON.stringify(entry)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [{ n: kept }] = rowsOf<{ n: number }>(
        await database.db.execute(sql`select count(*)::int as n from persons where name like '取消%'`),
      );
      expect(entry).toMatchObject({ status: "cancelled", read: kept, inserted: kept });
      expect(entry?.batches).toBeGreaterThanOrEqual(1);
      expect(entry?.batches).toBeLessThan(BATCHES);
      expect(kept).toBe((entry?.batches ?? 0) * DEFAULT_BATCH_SIZE);
      expect(entry?.stoppedAt?.row).toBe(kept + 2);
      // A moment for anything still running after the entry to fail, were it going to.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(logged.filter((line) => /already closed|\[import\]/.test(line))).toEqual([]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  }, 120_000);
});
