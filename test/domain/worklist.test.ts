import { describe, expect, it } from "vitest";
import {
  buildSearchIndex,
  buildWorkList,
  openDisputesByRoom,
  roomHref,
  roomStatus,
  searchGrid,
  type WorkVisit,
} from "@/domain/worklist";

const buildings = [
  { id: "b2", address: "光塔路10号", lat: null, lng: null },
  { id: "b1", address: "光塔路2号", lat: null, lng: null },
];
const rooms = [
  { id: "r3", buildingId: "b1", unitNo: null, floor: 2, roomNo: "201" },
  { id: "r1", buildingId: "b1", unitNo: null, floor: 1, roomNo: "101" },
  { id: "r2", buildingId: "b1", unitNo: null, floor: 1, roomNo: "102" },
  { id: "r4", buildingId: "b2", unitNo: "1", floor: 1, roomNo: "101" },
];
const households = [{ id: "h1", roomId: "r1" }];
const persons = [
  { id: "p1", householdId: "h1", roomId: null, name: "陈志强", idNumber: "440104195001010020" },
  { id: "p2", householdId: null, roomId: "r4", name: "李秀兰", idNumber: "11010519491231002X" },
];
const visit = (over: Partial<WorkVisit>): WorkVisit => ({
  id: "v",
  roomId: "r1",
  outcome: "verified",
  reviewState: "submitted",
  visitedAt: "2026-11-20T10:00:00Z",
  ...over,
});

describe("room status", () => {
  it("follows the latest visit", () => {
    expect(roomStatus([])).toBe("todo");
    expect(roomStatus([visit({})])).toBe("done");
    expect(roomStatus([visit({ reviewState: "approved" })])).toBe("approved");
    expect(roomStatus([visit({ outcome: "no_answer" })])).toBe("revisit");
    expect(roomStatus([visit({ reviewState: "returned" })])).toBe("returned");
    expect(roomStatus([visit({ conflict: true })])).toBe("conflict");
    // An open conflict on an earlier visit is not settled by a later one.
    expect(
      roomStatus([
        visit({ conflict: true }),
        visit({ id: "v2", reviewState: "approved", visitedAt: "2026-11-21T09:00:00Z" }),
      ]),
    ).toBe("conflict");
    expect(
      roomStatus([visit({ outcome: "no_answer" }), visit({ id: "v2", visitedAt: "2026-11-21T09:00:00Z" })]),
    ).toBe("done");
  });

  it("sends the officer back for a resident's open dispute newer than the latest visit", () => {
    expect(roomStatus([], "2026-11-21T08:00:00Z")).toBe("revisit");
    expect(roomStatus([visit({})], "2026-11-21T08:00:00Z")).toBe("revisit");
    expect(roomStatus([visit({ reviewState: "approved" })], new Date("2026-11-21T08:00:00Z"))).toBe(
      "revisit",
    );
    // A visit after the dispute answers it; returns and conflicts still come first.
    expect(roomStatus([visit({})], "2026-11-19T08:00:00Z")).toBe("done");
    expect(roomStatus([visit({ reviewState: "returned" })], "2026-11-21T08:00:00Z")).toBe("returned");
  });
});

describe("open disputes", () => {
  it("keeps the latest unhandled dispute per room and ignores confirmations and handled ones", () => {
    const open = openDisputesByRoom(
      [...households, { id: "h2", roomId: "r2" }, { id: "h3", roomId: "r3" }],
      [
        { householdId: "h1", kind: "dispute", createdAt: "2026-11-21T08:00:00Z" },
        { householdId: "h1", kind: "dispute", createdAt: "2026-11-22T08:00:00Z" },
        { householdId: "h2", kind: "confirm", createdAt: "2026-11-22T08:00:00Z" },
        {
          householdId: "h3",
          kind: "dispute",
          createdAt: "2026-11-22T08:00:00Z",
          handledAt: "2026-11-23T08:00:00Z",
        },
        { householdId: "gone", kind: "dispute", createdAt: "2026-11-22T08:00:00Z" },
      ],
    );
    expect([...open]).toEqual([["r1", "2026-11-22T08:00:00Z"]]);
    const list = buildWorkList({
      buildings,
      rooms,
      households,
      persons,
      visits: [],
      residentFeedback: [{ householdId: "h1", kind: "dispute", createdAt: "2026-11-21T08:00:00Z" }],
    });
    expect(list[0].counts).toMatchObject({ revisit: 1, todo: 2 });
  });
});

describe("work list", () => {
  it("orders buildings by address (numbers numerically), then entrances, floors and rooms", () => {
    const list = buildWorkList({ buildings, rooms, households, persons, visits: [visit({ roomId: "r2" })] });
    expect(list.map((b) => b.address)).toEqual(["光塔路2号", "光塔路10号"]);
    expect(list[0].floors.map((f) => f.rooms.map((r) => r.roomNo))).toEqual([["101", "102"], ["201"]]);
    expect(list[0].counts).toMatchObject({ todo: 2, done: 1 });
    expect(list[0].floors[0].rooms[0].names).toEqual(["陈志强"]);
    expect(list[1].floors[0].rooms[0].names).toEqual(["李秀兰"]);
  });
});

describe("offline search", () => {
  const index = buildSearchIndex({ buildings, rooms, households, persons });
  it("finds a room by the last digits of an ID number, an X included", () => {
    expect(searchGrid(index, "0020").map((h) => h.roomId)).toEqual(["r1"]);
    expect(searchGrid(index, "002x").map((h) => h.roomId)).toEqual(["r4"]);
  });
  it("finds rooms by address or by name", () => {
    expect(
      searchGrid(index, "光塔路2号")
        .map((h) => h.roomId)
        .sort(),
    ).toEqual(["r1", "r2", "r3"]);
    expect(searchGrid(index, "秀兰").map((h) => h.roomId)).toEqual(["r4"]);
  });
  it("names the person found, so the hit can open the room at them", () => {
    expect(searchGrid(index, "0020")).toEqual([
      {
        roomId: "r1",
        buildingId: "b1",
        label: "光塔路2号 101",
        address: "光塔路2号",
        unitNo: null,
        roomNo: "101",
        match: "440104195001010020",
        personId: "p1",
        name: "陈志强",
        byIdNumber: true,
      },
    ]);
    expect(searchGrid(index, "秀兰")[0]).toMatchObject({
      personId: "p2",
      name: "李秀兰",
      match: "李秀兰",
      unitNo: "1",
      roomNo: "101",
    });
    // A room found by its address is the room, not anyone in it.
    expect(searchGrid(index, "光塔路2号 101")).toEqual([
      {
        roomId: "r1",
        buildingId: "b1",
        label: "光塔路2号 101",
        address: "光塔路2号",
        unitNo: null,
        roomNo: "101",
        match: "光塔路2号 101",
      },
    ]);
  });
  it("gives each matching member of one room a hit of their own, within the limit", () => {
    const family = buildSearchIndex({
      buildings,
      rooms,
      households,
      persons: [
        ...persons,
        { id: "p3", householdId: "h1", roomId: null, name: "陈小红", idNumber: "440104198001010021" },
      ],
    });
    expect(searchGrid(family, "陈").map((h) => h.personId)).toEqual(["p1", "p3"]);
    expect(searchGrid(family, "陈", 1).map((h) => h.personId)).toEqual(["p1"]);
  });
  it("returns nothing for an empty query or no match", () => {
    expect(searchGrid(index, "  ")).toEqual([]);
    expect(searchGrid(index, "9999")).toEqual([]);
  });
});

describe("room links", () => {
  it("open a room, or a room at one person", () => {
    expect(roomHref("r1")).toBe("/field/room?id=r1");
    expect(roomHref("r1", "p1")).toBe("/field/room?id=r1&person=p1");
    expect(roomHref("r1", null)).toBe("/field/room?id=r1");
  });
});
