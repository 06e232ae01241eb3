import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, rowsOf } from "@/db/client";
import { campaigns, campaignTargets, rooms, users } from "@/db/schema";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { seedSmallStreet } from "../support/fixture";

/**
 * campaign_targets references campaigns, rooms and areas through the triggers of migration 0022
 * rather than foreign keys (a creation's quarter of a million row-by-row checks, issue 17): the same
 * refusals, with the same SQLSTATE, and the stamp a pull relies on.
 */

/** The SQLSTATE a statement was refused with (drizzle may wrap the driver's error), or "OK". */
async function stateOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e)
      if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    throw error;
  }
}

describe.each(databaseKinds)("campaign_targets references, on %s", (kind) => {
  let database: TestDatabase;
  let db: Db;
  let campaignId: string;
  let room: { id: string; gridId: string };
  let other: { id: string; gridId: string };
  let targetId: string;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    db = database.db;
    await seedSmallStreet(database);
    const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.username, "admin"));
    [{ id: campaignId }] = await db
      .insert(campaigns)
      .values({
        name: "refs",
        status: "open",
        startsOn: "2026-12-01",
        createdBy: admin.id,
        targetKind: "query",
      })
      .returning({ id: campaigns.id });
    [room, other] = await db.select({ id: rooms.id, gridId: rooms.gridId }).from(rooms).limit(2);
    [{ id: targetId }] = await db
      .insert(campaignTargets)
      .values({
        campaignId,
        subjectKind: "person",
        subjectId: randomUUID(),
        roomId: room.id,
        gridId: room.gridId,
      })
      .returning({ id: campaignTargets.id });
  }, 120_000);
  afterAll(() => database?.close());

  const target = (over: Partial<typeof campaignTargets.$inferInsert> = {}) => ({
    campaignId,
    subjectKind: "person" as const,
    subjectId: randomUUID(),
    roomId: room.id,
    gridId: room.gridId,
    ...over,
  });

  it("refuses a target naming a campaign, room or grid that does not exist, alone or among good ones", async () => {
    expect(await stateOf(db.insert(campaignTargets).values(target({ campaignId: randomUUID() })))).toBe(
      "23503",
    );
    expect(await stateOf(db.insert(campaignTargets).values(target({ roomId: randomUUID() })))).toBe("23503");
    expect(await stateOf(db.insert(campaignTargets).values(target({ gridId: randomUUID() })))).toBe("23503");
    expect(
      await stateOf(
        db.insert(campaignTargets).values([target(), target({ roomId: randomUUID() }), target()]),
      ),
    ).toBe("23503");
    expect(await stateOf(db.insert(campaignTargets).values([target(), target({ roomId: other.id })]))).toBe(
      "OK",
    );
  });

  it("refuses moving a target to a room or grid that does not exist, and allows a real one", async () => {
    const move = (set: Partial<typeof campaignTargets.$inferInsert>) =>
      db.update(campaignTargets).set(set).where(eq(campaignTargets.id, targetId));
    expect(await stateOf(move({ roomId: randomUUID() }))).toBe("23503");
    expect(await stateOf(move({ gridId: randomUUID() }))).toBe("23503");
    expect(await stateOf(move({ campaignId: randomUUID() }))).toBe("23503");
    expect(await stateOf(move({ roomId: other.id, gridId: other.gridId }))).toBe("OK");
    expect(await stateOf(move({ roomId: room.id, gridId: room.gridId }))).toBe("OK");
  });

  it("refuses deleting, renumbering or truncating a campaign, room or area a target names", async () => {
    expect(await stateOf(db.delete(campaigns).where(eq(campaigns.id, campaignId)))).toBe("23503");
    expect(await stateOf(db.execute(sql`delete from rooms where id = ${room.id}`))).toBe("23503");
    expect(await stateOf(db.execute(sql`delete from areas where id = ${room.gridId}`))).toBe("23503");
    expect(
      await stateOf(db.execute(sql`update campaigns set id = gen_random_uuid() where id = ${campaignId}`)),
    ).toBe("23503");
    expect(
      await stateOf(db.execute(sql`update rooms set id = gen_random_uuid() where id = ${room.id}`)),
    ).toBe("23503");
    expect(await stateOf(db.execute(sql`truncate campaigns cascade`))).not.toBe("OK");
    expect(
      rowsOf<{ n: number }>(
        await db.execute(sql`select count(*)::int as n from campaigns where id = ${campaignId}`),
      )[0].n,
    ).toBe(1);
    // A campaign no target names goes as before; under REPEATABLE READ the guard cannot see targets
    // committed after its snapshot, so it refuses there.
    const [{ id: bare }] = await db
      .insert(campaigns)
      .values({ name: "bare", status: "draft", startsOn: "2026-12-01", targetKind: "query" })
      .returning({ id: campaigns.id });
    expect(
      await stateOf(
        db.transaction((tx) => tx.delete(campaigns).where(eq(campaigns.id, bare)), {
          isolationLevel: "repeatable read",
        }),
      ),
    ).toBe("0A000");
    expect(await stateOf(db.delete(campaigns).where(eq(campaigns.id, bare)))).toBe("OK");
  });

  it("stamps an insert with the writing transaction's id, as the trigger did, even one naming a stamp, and every update", async () => {
    const stamped = await db.transaction(async (tx) => {
      const [{ xid }] = rowsOf<{ xid: string }>(
        await tx.execute(sql`select pg_current_xact_id()::text as xid`),
      );
      const rows = await tx
        .insert(campaignTargets)
        .values([target(), target({ changeXid: 0n }), target({ changeXid: 1n })])
        .returning({ changeXid: campaignTargets.changeXid });
      return { xid, rows: rows.map((row) => row.changeXid.toString()) };
    });
    expect(stamped.rows).toEqual([stamped.xid, stamped.xid, stamped.xid]);
    const updated = await db.transaction(async (tx) => {
      const [{ xid }] = rowsOf<{ xid: string }>(
        await tx.execute(sql`select pg_current_xact_id()::text as xid`),
      );
      const [row] = await tx
        .update(campaignTargets)
        .set({ version: sql`${campaignTargets.version} + 1` })
        .where(eq(campaignTargets.id, targetId))
        .returning({ changeXid: campaignTargets.changeXid });
      const [again] = await tx
        .update(campaignTargets)
        .set({ changeXid: 0n })
        .where(eq(campaignTargets.id, targetId))
        .returning({ changeXid: campaignTargets.changeXid });
      return { xid, rows: [row.changeXid.toString(), again.changeXid.toString()] };
    });
    expect(updated.rows).toEqual([updated.xid, updated.xid]);
  });

  it.skipIf(kind !== "postgresql")(
    "a campaign deleted while a target naming it is being written waits for that write, and is then refused",
    async () => {
      const [{ id: fresh }] = await db
        .insert(campaigns)
        .values({ name: "race", status: "draft", startsOn: "2026-12-01", targetKind: "query" })
        .returning({ id: campaigns.id });
      const writer = new Client({ connectionString: database.url as string });
      const deleter = new Client({ connectionString: database.url as string });
      await writer.connect();
      await deleter.connect();
      try {
        await writer.query("begin");
        await writer.query(
          "insert into campaign_targets (campaign_id, subject_kind, subject_id, room_id, grid_id) values ($1, 'person', gen_random_uuid(), $2, $3)",
          [fresh, room.id, room.gridId],
        );
        // The target is not committed: the delete cannot see it yet, so it must wait for the writer.
        let settled = false;
        const deleting = deleter
          .query("delete from campaigns where id = $1", [fresh])
          .then(() => "OK")
          .catch((error: { code?: string }) => error.code ?? "error")
          .finally(() => {
            settled = true;
          });
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(settled).toBe(false);
        await writer.query("commit");
        expect(await deleting).toBe("23503");
      } finally {
        await writer.end();
        await deleter.end();
      }
    },
  );
});
