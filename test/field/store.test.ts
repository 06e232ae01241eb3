import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { applyPullPage, openFieldDb, readAll, readMeta } from "@/app/field/_lib/store";
import { PULL_COLUMNS, type PullResponse } from "@/domain/sync";

let n = 0;
const freshDb = () => openFieldDb(`test-${++n}-${Date.now()}`);

function tuple(table: keyof typeof PULL_COLUMNS, values: Record<string, unknown>): unknown[] {
  return PULL_COLUMNS[table].map((column) => values[column] ?? null);
}

const page = (over: Partial<PullResponse>): PullResponse => ({
  cursor: "c1",
  hasMore: false,
  serverTime: "2026-11-24T08:00:00Z",
  campaignId: null,
  dropGridIds: [],
  tables: {},
  ...over,
});

const building = (id: string, gridId: string) =>
  tuple("buildings", { id, gridId, version: 1, address: `光塔路${id}号` });
const room = (id: string, gridId: string, buildingId: string) =>
  tuple("rooms", { id, gridId, version: 1, buildingId, floor: 1, roomNo: "101" });

describe("the phone's grid store", () => {
  it("writes a page and its cursor together, and reads it back as objects", async () => {
    const db = await freshDb();
    const written = await applyPullPage(
      db,
      page({
        cursor: "after-page-1",
        grids: [{ id: "g1", code: "440104007101001", name: "第1网格", boundary: null, center: null }],
        tables: {
          buildings: { columns: [...PULL_COLUMNS.buildings], rows: [building("b1", "g1")] },
          rooms: { columns: [...PULL_COLUMNS.rooms], rows: [room("r1", "g1", "b1"), room("r2", "g1", "b1")] },
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
          buildings: {
            columns: [...PULL_COLUMNS.buildings],
            rows: [building("b1", "g1"), building("b2", "g2")],
          },
          rooms: { columns: [...PULL_COLUMNS.rooms], rows: [room("r1", "g1", "b1"), room("r2", "g2", "b2")] },
        },
      }),
    );
    await applyPullPage(
      db,
      page({
        cursor: "c2",
        dropGridIds: ["g2"],
        tables: {
          rooms: {
            columns: [...PULL_COLUMNS.rooms],
            rows: [
              tuple("rooms", {
                id: "r1",
                gridId: "g1",
                version: 2,
                endedAt: "2026-11-24T09:00:00Z",
                endReason: "demolished",
              }),
            ],
          },
        },
      }),
    );
    const all = await readAll(db);
    expect(all.buildings.map((b) => b.id)).toEqual(["b1"]);
    expect(all.rooms).toEqual([]);
    expect(await readMeta(db, "cursor")).toBe("c2");
  });

  it("keeps one user's data apart from another's on the same phone", async () => {
    const a = await openFieldDb("officer-a");
    const b = await openFieldDb("officer-b");
    await applyPullPage(
      a,
      page({ tables: { buildings: { columns: [...PULL_COLUMNS.buildings], rows: [building("b1", "g1")] } } }),
    );
    expect((await readAll(b)).buildings).toEqual([]);
    expect((await readAll(a)).buildings).toHaveLength(1);
  });

  it("writes nothing of a page that fails half-way, and keeps the old cursor", async () => {
    const db = await freshDb();
    await applyPullPage(db, page({ cursor: "before" }));
    const broken = page({
      cursor: "after",
      tables: {
        buildings: { columns: [...PULL_COLUMNS.buildings], rows: [building("b1", "g1")] },
        // A row without an id cannot be stored: the whole page must roll back with it.
        rooms: { columns: [...PULL_COLUMNS.rooms], rows: [room(undefined as unknown as string, "g1", "b1")] },
      },
    });
    await expect(applyPullPage(db, broken)).rejects.toThrow();
    expect((await readAll(db)).buildings).toEqual([]);
    expect(await readMeta(db, "cursor")).toBe("before");
  });
});
