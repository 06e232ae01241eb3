import { describe, expect, it } from "vitest";
import { Random, weightedPicker } from "../../db/seed/random";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("Random", () => {
  it("repeats its sequence for the same seed and differs for another", () => {
    const draw = (seed: number) => {
      const r = new Random(seed);
      return [r.uint32(), r.int(1, 6), r.next(), r.uuid()];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it("makes version 4 UUIDs, all distinct", () => {
    const r = new Random(1);
    const ids = Array.from({ length: 10_000 }, () => r.uuid());
    for (const id of ids.slice(0, 100)) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps int() within both bounds and reaches them", () => {
    const r = new Random(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const x = r.int(3, 9);
      expect(x).toBeGreaterThanOrEqual(3);
      expect(x).toBeLessThanOrEqual(9);
      seen.add(x);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it("forks independent, reproducible streams without disturbing the parent", () => {
    const a = new Random(5);
    const b = new Random(5);
    a.fork("x").uint32();
    expect(a.uint32()).toBe(b.uint32());
    expect(new Random(5).fork("x").uuid()).toBe(new Random(5).fork("x").uuid());
    expect(new Random(5).fork("x").uuid()).not.toBe(new Random(5).fork("y").uuid());
  });

  it("picks by weight", () => {
    const pick = weightedPicker([
      ["a", 1],
      ["b", 3],
      ["never", 0],
    ] as const);
    const r = new Random(11);
    let b = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = pick(r);
      expect(x).not.toBe("never");
      if (x === "b") b++;
    }
    expect(b / 20_000).toBeGreaterThan(0.72);
    expect(b / 20_000).toBeLessThan(0.78);
  });

  it("draws normals around their mean", () => {
    const r = new Random(3);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += r.normal(10, 2);
    expect(sum / 20_000).toBeCloseTo(10, 1);
  });
});
