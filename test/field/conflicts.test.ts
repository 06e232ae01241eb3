// The phone's side of conflicts that reach the officer through the pull: an open one joins the list
// (with who set the value it met), a settled one leaves it, and one that set aside a value recorded on
// this phone stays as a notice until the officer has read it. A conflict this phone has settled while
// the settlement waits in the outbox does not come back; a grid no longer assigned takes its own away.

import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { readNeedsAction } from "@/app/field/_lib/needs-action";
import { dismissNotice } from "@/app/field/_lib/notices";
import { resolveConflict } from "@/app/field/_lib/outbox";
import { applyPullPage } from "@/app/field/_lib/pull";
import { readAll } from "@/app/field/_lib/store";
import { PULL_FORMAT, type PulledConflict, type PullResponse } from "@/domain/pull";
import { roomStatus, type WorkVisit } from "@/domain/worklist";
import { openUnlockedDb } from "../support/unlocked";

let n = 0;
const freshDb = () => openUnlockedDb(`conflicts-${++n}-${Date.now()}`);

const page = (conflicts: PulledConflict[], over: Partial<PullResponse> = {}): PullResponse => ({
  format: PULL_FORMAT,
  cursor: `c${++n}`,
  hasMore: false,
  serverTime: "2026-11-24T08:00:00Z",
  campaignId: null,
  dropGridIds: [],
  rows: {},
  conflicts,
  ...over,
});

const open = (changeId: string, gridId = "g1"): PulledConflict => ({
  changeId,
  visitId: `visit-${changeId}`,
  roomId: "r1",
  gridId,
  entity: "person",
  entityId: "p1",
  field: "phone",
  registerValue: "13800000000",
  serverValue: "13700000000",
  observedValue: "13912345678",
  setBy: { kind: "user", name: "督导员甲", role: "supervisor", self: false },
  state: "open",
});

const settled = (changeId: string, notice: boolean): PulledConflict => ({
  ...open(changeId),
  state: "settled",
  settledValue: "13700000000",
  settledBy: { kind: "user", name: "李四", role: "officer", self: true },
  ...(notice ? { notice: true } : {}),
});

describe("conflicts pulled to the phone", () => {
  it("an open conflict joins the list with who set the other value; pulled again, it keeps its place", async () => {
    const db = await freshDb();
    await applyPullPage(db, page([open("x1")]));
    const first = await readNeedsAction(db);
    expect(first.conflicts).toHaveLength(1);
    expect(first.conflicts[0]).toMatchObject({
      changeId: "x1",
      serverValue: "13700000000",
      observedValue: "13912345678",
      setBy: { kind: "user", name: "督导员甲", role: "supervisor" },
      gridId: "g1",
    });
    await applyPullPage(db, page([open("x1")]));
    const again = await readNeedsAction(db);
    expect(again.conflicts).toHaveLength(1);
    expect(again.conflicts[0].receivedAt).toBe(first.conflicts[0].receivedAt);
  });

  it("a settled conflict leaves the list; one that set aside this phone's value is a notice until read", async () => {
    const db = await freshDb();
    await applyPullPage(db, page([open("x1"), open("x2")]));
    await applyPullPage(db, page([settled("x1", false), settled("x2", true), settled("x3", true)]));
    const needs = await readNeedsAction(db);
    expect(needs.conflicts).toEqual([]);
    expect(needs.notices.map((notice) => notice.changeId).sort()).toEqual(["x2", "x3"]);
    expect(needs.notices.find((notice) => notice.changeId === "x3")).toMatchObject({
      observedValue: "13912345678",
      settledValue: "13700000000",
      settledBy: { kind: "user", self: true },
    });
    await dismissNotice(db, "x2");
    expect((await readNeedsAction(db)).notices.map((notice) => notice.changeId)).toEqual(["x3"]);
  });

  it("a conflict this phone settled, its settlement still in the outbox, does not come back", async () => {
    const db = await freshDb();
    await applyPullPage(db, page([open("x1")]));
    const [conflict] = (await readNeedsAction(db)).conflicts;
    await resolveConflict(db, conflict, conflict.observedValue);
    await applyPullPage(db, page([open("x1")]));
    expect((await readNeedsAction(db)).conflicts).toEqual([]);
  });

  it("the room of a visit with an open conflict shows 有冲突 in the work list until it is settled", async () => {
    const db = await freshDb();
    await db.put("visits", {
      id: "visit-x1",
      gridId: "g1",
      roomId: "r1",
      version: 1,
      outcome: "changed",
      reviewState: "approved",
      visitedAt: "2026-11-20T02:00:00Z",
    });
    const status = async () => roomStatus((await readAll(db)).visits as unknown as WorkVisit[]);
    expect(await status()).toBe("approved");
    await applyPullPage(db, page([open("x1")]));
    expect(await status()).toBe("conflict");
    await applyPullPage(db, page([settled("x1", false)]));
    expect(await status()).toBe("approved");
  });

  it("a grid no longer assigned takes its conflicts and notices with it", async () => {
    const db = await freshDb();
    await applyPullPage(
      db,
      page([open("x1", "g1"), open("x2", "g2"), { ...settled("x3", true), gridId: "g2" }]),
    );
    await applyPullPage(db, page([], { dropGridIds: ["g2"] }));
    const needs = await readNeedsAction(db);
    expect(needs.conflicts.map((conflict) => conflict.changeId)).toEqual(["x1"]);
    expect(needs.notices).toEqual([]);
  });
});
