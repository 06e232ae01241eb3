// One ageOn for server, seed and phone (domain/validators/date.ts): whole years to a calendar day. The
// whole-year rules are tested with the exports (test/server/export.test.ts); here, whose day it is.
import { describe, expect, it } from "vitest";
import { chinaDay } from "@/domain/progress";
import { ageOn } from "@/domain/validators/date";

describe("ageOn with China's day", () => {
  it("a birthday starts at midnight in China, whatever the machine's time zone", () => {
    // 00:30 on 10 May in China is still 9 May in UTC, and on a server that keeps UTC.
    expect(ageOn("1966-05-10", chinaDay(new Date("2026-05-09T16:30:00Z")))).toBe(60);
    expect(ageOn("1966-05-10", chinaDay(new Date("2026-05-09T15:59:59Z")))).toBe(59);
  });
});
