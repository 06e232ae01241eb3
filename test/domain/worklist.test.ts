import { describe, expect, it } from "vitest";
import {
  buildSearchIndex,
  buildWorkList,
  gridCounts,
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

describe("a targeted campaign's work list", () => {
  const targets = [
    { id: "t1", roomId: "r1", subjectKind: "person" as const, subjectId: "p1", state: "open" },
    { id: "t2", roomId: "r4", subjectKind: "person" as const, subjectId: "p2", state: "open" },
    { id: "t3", roomId: "r4", subjectKind: "unit" as const, subjectId: "u1", state: "open" },
    // Withdrawn by a re-run: off the list, out of the counts.
    { id: "t4", roomId: "r2", subjectKind: "household" as const, subjectId: "h1", state: "withdrawn" },
  ];
  const units = [{ id: "u1", name: "光塔便利店" }];
  const input = { buildings, rooms, households, persons, visits: [], targets, units };

  it("lists only the targets' doors, one named entry a target, by building and floor", () => {
    const list = buildWorkList(input);
    const entries = list.flatMap((b) =>
      b.floors.flatMap((f) => f.rooms.map((r) => [b.address, f.floor, r.roomNo, r.target?.name])),
    );
    expect(entries).toEqual([
      ["光塔路2号", 1, "101", "陈志强"],
      ["光塔路10号", 1, "101", "李秀兰"],
      ["光塔路10号", 1, "101", "光塔便利店"],
    ]);
    expect(list.find((b) => b.id === "b2")?.counts.todo).toBe(2);
  });

  it("counts targets, not doors: a visit to a door checks every target behind it", () => {
    const visits = [visit({ id: "v1", roomId: "r4" })];
    expect(gridCounts({ ...input, visits })).toEqual({
      rooms: 3,
      visited: 2,
      checked: 2,
      approved: 0,
      revisitDue: 0,
      returned: 0,
    });
    // Every door, as before, when the campaign is not targeted.
    expect(gridCounts({ ...input, visits, targets: null }).rooms).toBe(4);
  });

  it("searches the targets only: a person who is no target is not found, a unit by its name is", () => {
    const index = buildSearchIndex({
      ...input,
      persons: [
        ...persons,
        { id: "p3", householdId: "h1", roomId: null, name: "陈小明", idNumber: "440104201001010011" },
      ],
    });
    expect(searchGrid(index, "陈").map((hit) => hit.personId)).toEqual(["p1"]);
    expect(searchGrid(index, "便利店").map((hit) => hit.roomId)).toEqual(["r4"]);
    expect(searchGrid(index, "102")).toEqual([]);
  });
});
