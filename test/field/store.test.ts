import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { applyPullPage } from "@/app/field/_lib/pull";
import { openRawFieldDb, readAll, readAllFirst, readAllSoon, readMeta } from "@/app/field/_lib/store";
import { PULL_COLUMNS, PULL_FORMAT, type PullResponse, type PullTableName } from "@/domain/pull";
import {
  decodePullRows,
  encodePullRows,
  PullFormatError,
  type PullRecord,
  type PullTables,
} from "@/domain/wire";
import { openUnlockedDb } from "../support/unlocked";

let n = 0;
const freshDb = () => openUnlockedDb(`test-${++n}-${Date.now()}`);

/** A row as the phone stores it: every column of its table, null where not given. */
function record(table: PullTableName, values: Record<string, unknown>): PullRecord {
  return Object.fromEntries(PULL_COLUMNS[table].map((column) => [column, values[column] ?? null]));
}

const page = (over: Partial<Omit<PullResponse, "rows">> & { tables?: PullTables }): PullResponse => {
  const { tables = {}, ...rest } = over;
  return {
    format: PULL_FORMAT,
    cursor: "c1",
    hasMore: false,
    serverTime: "2026-11-24T08:00:00Z",
    campaignId: null,
    dropGridIds: [],
    // Through JSON, as the phone receives it.
    rows: JSON.parse(JSON.stringify(encodePullRows(tables))),
    ...rest,
  };
};

const building = (id: string, gridId: string) =>
  record("buildings", { id, gridId, version: 1, address: `光塔路${id}号` });
const room = (id: string, gridId: string, buildingId: string) =>
  record("rooms", { id, gridId, version: 1, buildingId, floor: 1, roomNo: "101" });

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const byId = (rows: PullRecord[]) => [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));

describe("the phone's grid store", () => {
  it("writes a page and its cursor together, and reads it back as objects", async () => {
    const db = await freshDb();
    const written = await applyPullPage(
      db,
      page({
        cursor: "after-page-1",
        grids: [{ id: "g1", code: "440104007101001", name: "第1网格", boundary: null, center: null }],
        tables: {
          buildings: [building("b1", "g1")],
          rooms: [room("r1", "g1", "b1"), room("r2", "g1", "b1")],
        },
      }),
    );
    expect(written).toBe(3);
    const all = await readAll(db);
    expect(all.grids.map((g) => g.id)).toEqual(["g1"]);
    expect(all.rooms.map((r) => r.id).sort()).toEqual(["r1", "r2"]);
    expect(all.rooms[0]).toMatchObject({ buildingId: "b1", roomNo: "101", gridId: "g1" });
    expect(await readMeta(db, "cursor")).toBe("after-page-1");
    expect(await readMeta(db, "campaignId")).toBeUndefined();
    await applyPullPage(db, page({ cursor: "c2", campaignId: "7b0c2a52-8f0f-4f77-9d51-2d7c1f1e9a10" }));
    expect(await readMeta(db, "campaignId")).toBe("7b0c2a52-8f0f-4f77-9d51-2d7c1f1e9a10");
  });

  it("drops tombstones and every row of a grid no longer assigned", async () => {
    const db = await freshDb();
    await applyPullPage(
      db,
      page({
        tables: {
          buildings: [building("b1", "g1"), building("b2", "g2")],
          rooms: [room("r1", "g1", "b1"), room("r2", "g2", "b2")],
        },
      }),
    );
    await applyPullPage(
      db,
      page({
        cursor: "c2",
        dropGridIds: ["g2"],
        tables: {
          rooms: [
            record("rooms", {
              id: "r1",
              gridId: "g1",
              version: 2,
              endedAt: "2026-11-24T09:00:00Z",
              endReason: "demolished",
            }),
          ],
        },
      }),
    );
    const all = await readAll(db);
    expect(all.buildings.map((b) => b.id)).toEqual(["b1"]);
    expect(all.rooms).toEqual([]);
    expect(await readMeta(db, "cursor")).toBe("c2");
  });

  it("erases a dropped grid's rows and drafts from the store itself, keeping the outbox", async () => {
    const userId = `drop-${Date.now()}`;
    const db = await openUnlockedDb(userId);
    await applyPullPage(
      db,
      page({
        cursor: "c1",
        tables: {
          buildings: [building("b1", "g1"), building("b2", "g2")],
          rooms: [room("r1", "g1", "b1"), room("r2", "g2", "b2")],
        },
      }),
    );
    await db.put("drafts", {
      roomId: "r2",
      savedAt: "2026-11-24T08:00:00Z",
      values: { phone: "13912345678" },
    });
    await db.put("drafts", { roomId: "r1", savedAt: "2026-11-24T08:00:00Z", values: {} });
    await db.put("outbox", {
      id: "v2",
      createdAt: "2026-11-24T08:00:00Z",
      state: "pending",
      attempts: 0,
      kind: "visit",
      payload: { visit: { id: "v2", gridId: "g2", roomId: "r2" }, changes: [] },
    } as never);
    await applyPullPage(db, page({ cursor: "c2", dropGridIds: ["g2"] }));
    // Read raw, below the vault: deleted, not hidden by the reading layer.
    const raw = await openRawFieldDb(userId);
    expect((await raw.getAllKeys("buildings")).map(String)).toEqual(["b1"]);
    expect((await raw.getAllKeys("rooms")).map(String)).toEqual(["r1"]);
    expect((await raw.getAllKeys("drafts")).map(String)).toEqual(["r1"]);
    expect((await raw.getAllKeys("outbox")).map(String)).toEqual(["v2"]);
    raw.close();
  });

  it("keeps one user's data apart from another's on the same phone", async () => {
    const a = await openUnlockedDb("officer-a");
    const b = await openUnlockedDb("officer-b");
    await applyPullPage(a, page({ tables: { buildings: [building("b1", "g1")] } }));
    expect((await readAll(b)).buildings).toEqual([]);
    expect((await readAll(a)).buildings).toHaveLength(1);
  });

  it("hands the screen the grid read at the unlock, unless the page wrote since: then a fresh read", async () => {
    const userId = `early-${++n}-${Date.now()}`;
    const db = await openUnlockedDb(userId);
    await applyPullPage(db, page({ tables: { buildings: [building("b1", "g1")] } }));
    // As at a PIN unlock: the read begins, the screen takes it.
    readAllSoon(userId);
    expect((await readAllFirst(db, userId)).buildings.map((b) => b.id)).toEqual(["b1"]);
    // A write after the early read (a pull, a visit saved): what it read is no longer what the store holds.
    await readAllSoon(userId);
    await applyPullPage(db, page({ tables: { buildings: [building("b2", "g1")] } }));
    expect((await readAllFirst(db, userId)).buildings.map((b) => b.id).sort()).toEqual(["b1", "b2"]);
  });

  it("writes nothing of a page that fails half-way, and keeps the old cursor", async () => {
    const db = await freshDb();
    await applyPullPage(db, page({ cursor: "before" }));
    const broken = page({
      cursor: "after",
      tables: {
        buildings: [building("b1", "g1")],
        // A row without an id cannot be stored: the whole page must roll back with it.
        rooms: [room(undefined as unknown as string, "g1", "b1")],
      },
    });
    await expect(applyPullPage(db, broken)).rejects.toThrow();
    expect((await readAll(db)).buildings).toEqual([]);
    expect(await readMeta(db, "cursor")).toBe("before");
  });

  it("refuses a page of another format in words, and writes nothing", async () => {
    const db = await freshDb();
    await applyPullPage(db, page({ cursor: "before", tables: { buildings: [building("b1", "g1")] } }));
    const newer = { ...page({ cursor: "after", dropGridIds: ["g1"] }), format: PULL_FORMAT + 1 };
    await expect(applyPullPage(db, newer)).rejects.toThrow(PullFormatError);
    await expect(applyPullPage(db, newer)).rejects.toThrow(
      `this app reads format ${PULL_FORMAT}, the server sent 3`,
    );
    // Format 1 had no format field and its rows under `tables`.
    const { format: _, rows: __, ...formatOne } = page({ cursor: "after" });
    await expect(applyPullPage(db, { ...formatOne, tables: {} } as unknown as PullResponse)).rejects.toThrow(
      PullFormatError,
    );
    expect((await readAll(db)).buildings).toHaveLength(1);
    expect(await readMeta(db, "cursor")).toBe("before");
  });

  it("sends a grid compactly: hex ids, references by index, derivable values as 1", () => {
    const person = (id: number, values: Record<string, unknown>) =>
      record("persons", { id: uuid(id), gridId: "g1", version: 1, idType: "1", ...values });
    const rows = encodePullRows({
      households: [record("households", { id: uuid(2), gridId: "g1", version: 1, householdNo: "7" })],
      persons: [
        person(4, {
          version: 2,
          householdId: uuid(9),
          idNumber: "440104199001011234",
          sex: "2",
          birthDate: "1990-01-02",
          currentAddress: "光塔路2号",
        }),
        person(3, {
          householdId: uuid(2),
          idNumber: "440104199001011234",
          sex: "1",
          birthDate: "1990-01-01",
          hukouAddress: "光塔路1号",
          currentAddress: "光塔路1号",
        }),
        person(5, {
          householdId: uuid(2),
          sex: "2",
          birthDate: "1985-05-05",
          hukouAddress: "光塔路1号",
          currentAddress: "光塔路3号",
        }),
      ],
    });
    // Grouped by household, those on the page first.
    expect(rows.persons?.id).toBe([uuid(3), uuid(5), uuid(4)].join("").replaceAll("-", ""));
    expect(rows.persons?.columns).toMatchObject({
      // One value in every row: sent once.
      gridId: "g1",
      idType: "1",
      endedAt: null,
      version: [1, 1, 2],
      // The household on the page by its index (as a step from the one before); one not on it whole.
      householdId: [0, 0, uuid(9)],
      // 1: what the ID number (or, for the current address, the hukou address) says; 0: as the row before.
      sex: [1, "2", 0],
      birthDate: [1, "1985-05-05", "1990-01-02"],
      hukouAddress: ["光塔路1号", 0, null],
      currentAddress: [1, "光塔路3号", "光塔路2号"],
    });
  });

  it("stores exactly the rows the server read, whatever they hold", async () => {
    const person = (i: number, values: Record<string, unknown>) =>
      record("persons", { id: uuid(100 + i), gridId: i % 2 ? "g1" : "g2", version: 1 + (i % 3), ...values });
    const tables: PullTables = {
      buildings: [building(uuid(1), "g1"), { ...building("B-2", "g1"), floors: 6, lat: 23.1157562 }],
      rooms: [room(uuid(10), "g1", uuid(1)), room(uuid(11), "g1", "B-2"), room(uuid(12), "g1", uuid(999))],
      households: [
        record("households", { id: uuid(20), gridId: "g1", version: 1, roomId: uuid(10), lowIncome: true }),
        record("households", { id: uuid(21), gridId: "g1", version: 1, roomId: uuid(12), lowIncome: false }),
      ],
      persons: [
        // Derivable, and not: a check character X, a birth date or sex the ID does not say, a 15-digit
        // ID, no ID, a current address of its own.
        person(0, {
          householdId: uuid(20),
          roomId: uuid(10),
          idNumber: "44010419900101123X",
          birthDate: "1990-01-01",
          sex: "1",
        }),
        person(1, {
          householdId: uuid(20),
          roomId: uuid(10),
          idNumber: "440104199001011234",
          birthDate: "1990-01-02",
          sex: "2",
        }),
        person(2, {
          householdId: uuid(21),
          roomId: uuid(11),
          idNumber: "440104900101123",
          birthDate: "1990-01-01",
          sex: "1",
        }),
        person(3, {
          householdId: null,
          roomId: uuid(12),
          idNumber: null,
          birthDate: "2001-02-03",
          sex: null,
        }),
        person(4, {
          householdId: uuid(888),
          roomId: null,
          hukouAddress: "光塔路1号",
          currentAddress: "光塔路1号",
        }),
        person(5, {
          householdId: uuid(21),
          hukouAddress: "光塔路1号",
          currentAddress: "光塔路2号",
          phone: "0",
        }),
        person(6, { householdId: uuid(21), hukouAddress: "光塔路1号", currentAddress: null, name: "" }),
        // Not what the columns usually hold: sent as it is.
        person(7, { householdId: uuid(21), name: 0, ethnicity: 1, disability: "yes", lowIncome: null }),
        { ...person(8, { householdId: uuid(21) }), id: "NOT-A-UUID" },
      ],
      rentalTenants: [
        record("rentalTenants", {
          id: uuid(30),
          gridId: "g1",
          version: 1,
          rentalId: uuid(777),
          personId: uuid(103),
        }),
        record("rentalTenants", {
          id: uuid(31),
          gridId: "g1",
          version: 1,
          rentalId: uuid(777),
          personId: "NOT-A-UUID",
        }),
      ],
      visits: [
        record("visits", {
          id: uuid(40),
          gridId: "g1",
          version: 1,
          roomId: uuid(11),
          lat: 23.1,
          attempt: 2,
          visitedAt: "2026-11-20T09:15:30Z",
        }),
      ],
    };
    const decoded = decodePullRows(PULL_FORMAT, JSON.parse(JSON.stringify(encodePullRows(tables))));
    for (const [name, rows] of Object.entries(tables)) {
      expect(byId(decoded[name as PullTableName] ?? []), name).toStrictEqual(byId(rows));
    }

    const db = await freshDb();
    await applyPullPage(db, page({ tables }));
    const all = await readAll(db);
    for (const [name, rows] of Object.entries(tables)) {
      expect(byId(all[name as PullTableName]), name).toStrictEqual(byId(rows));
    }

    // Tombstones keep what finds and drops a row; the rest of the page still lands.
    const ended = (table: PullTableName, row: PullRecord) =>
      record(table, {
        id: row.id,
        gridId: row.gridId,
        version: 9,
        endedAt: "2026-11-24T09:00:00Z",
        endReason: "moved_out",
      });
    await applyPullPage(
      db,
      page({
        tables: {
          rooms: [ended("rooms", tables.rooms?.[2] as PullRecord)],
          persons: [ended("persons", tables.persons?.[0] as PullRecord)],
          households: [{ ...(tables.households?.[0] as PullRecord), version: 2, kind: "2" }],
        },
      }),
    );
    const after = await readAll(db);
    expect(after.rooms.map((row) => row.id).sort()).toEqual([uuid(10), uuid(11)]);
    expect(after.persons.map((row) => row.id)).not.toContain(uuid(100));
    expect(after.households.find((row) => row.id === uuid(20))).toStrictEqual({
      ...tables.households?.[0],
      version: 2,
      kind: "2",
    });
  });
});
