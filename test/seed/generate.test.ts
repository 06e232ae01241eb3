// The generator on its own, without a database: determinism, the 光塔街 targets, valid identifiers
// and consistent geography. The full street takes well under a second to generate.

import { beforeAll, describe, expect, it } from "vitest";
import {
  type GeneratedData,
  GUANGTA_AGED_60_PLUS,
  GUANGTA_PERSONS,
  generateStreets,
  REFERENCE_DATE,
  summarize,
} from "../../db/seed/generate";
import { pointInRing } from "../../db/seed/geometry";
import { GUANGTA, GUANGTA_COMMUNITIES } from "../../db/seed/places";
import { parseCitizenId } from "../../domain/validators/citizen-id";
import { ageOn } from "../../domain/validators/date";
import { parseUscc } from "../../domain/validators/uscc";

const TODAY = new Date("2026-11-24T12:00:00");
const MOBILE = /^1[3-9]\d{9}$/;

function byId<T extends { id?: string }>(rows: readonly T[]): Map<string, T> {
  return new Map(rows.map((r) => [r.id as string, r]));
}

describe("generateStreets: determinism", () => {
  it("gives the same rows and ids for the same seed", () => {
    const a = generateStreets({ seed: 9, scale: 0.05 });
    const b = generateStreets({ seed: 9, scale: 0.05 });
    expect(a.persons.length).toBe(b.persons.length);
    expect(a.areas.slice(0, 5)).toEqual(b.areas.slice(0, 5));
    expect(a.persons.slice(0, 50)).toEqual(b.persons.slice(0, 50));
    expect(a.rentals.slice(0, 10)).toEqual(b.rentals.slice(0, 10));
    expect(a.units.map((u) => u.id)).toEqual(b.units.map((u) => u.id));
    expect(a.persons.map((p) => p.idNumber)).toEqual(b.persons.map((p) => p.idNumber));
  });

  it("gives different rows and ids for another seed", () => {
    const a = generateStreets({ seed: 9, scale: 0.05 });
    const b = generateStreets({ seed: 10, scale: 0.05 });
    expect(a.areas[0].id).not.toBe(b.areas[0].id);
    expect(a.persons[0].id).not.toBe(b.persons[0].id);
    expect(a.persons.slice(0, 20).map((p) => p.name)).not.toEqual(b.persons.slice(0, 20).map((p) => p.name));
    // The hierarchy itself (codes, names) is fixed by the place, not by the seed.
    expect(a.areas.filter((x) => x.level !== "grid").map((x) => x.code)).toEqual(
      b.areas.filter((x) => x.level !== "grid").map((x) => x.code),
    );
  });

  it("keeps street 1 the same whether or not more streets follow", () => {
    const one = generateStreets({ seed: 4, scale: 0.05 });
    const two = generateStreets({ seed: 4, scale: 0.05, streets: 2 });
    expect(two.persons.slice(0, one.persons.length)).toEqual(one.persons);
    expect(two.buildings.slice(0, one.buildings.length)).toEqual(one.buildings);
  });
});

describe("generateStreets: 光塔街 at scale 1", () => {
  let data: GeneratedData;
  beforeAll(() => {
    data = generateStreets({ seed: 1 });
  });

  it("hits the reported sizes", () => {
    const c = summarize(data);
    expect(Math.abs(c.persons - GUANGTA_PERSONS) / GUANGTA_PERSONS).toBeLessThan(0.02);
    expect(Math.abs(c.aged60Plus - GUANGTA_AGED_60_PLUS) / GUANGTA_AGED_60_PLUS).toBeLessThan(0.05);
    expect(c.personsPerFamilyHousehold).toBeGreaterThan(2.5);
    expect(c.personsPerFamilyHousehold).toBeLessThan(2.75);
    expect(c.streets).toBe(1);
    expect(c.communities).toBe(16);
    expect(c.grids).toBeGreaterThanOrEqual(38);
    expect(c.grids).toBeLessThanOrEqual(48);
    // About 360 households (dwellings: households and rental rooms) per grid.
    const perGrid = (c.households + c.rentals) / c.grids;
    expect(perGrid).toBeGreaterThan(320);
    expect(perGrid).toBeLessThan(400);
    // Rental rooms are about 12% of residential rooms; roughly one unit per 2–3 buildings.
    const residential = data.rooms.filter((r) => r.use === "1").length;
    expect(c.rentals / residential).toBeGreaterThan(0.1);
    expect(c.rentals / residential).toBeLessThan(0.14);
    expect(c.units / c.buildings).toBeGreaterThan(0.25);
    expect(c.units / c.buildings).toBeLessThan(0.6);
    expect(c.tenants).toBe(data.persons.filter((p) => p.personType === "02").length);
  });

  it("counts 60+ from birth dates on the reference day", () => {
    const c = summarize(data, REFERENCE_DATE);
    expect(c.aged60Plus).toBe(data.persons.filter((p) => ageOn(p.birthDate, REFERENCE_DATE) >= 60).length);
    expect(ageOn("1966-11-24", "2026-11-24")).toBe(60);
    expect(ageOn("1966-11-25", "2026-11-24")).toBe(59);
  });

  it("gives every person a valid ID number that agrees with birth date and sex", () => {
    for (const p of data.persons) {
      const parsed = parseCitizenId(p.idNumber, TODAY);
      if (!parsed.ok) throw new Error(`${p.idNumber}: ${parsed.error}`);
      expect(parsed.warnings).toEqual([]);
      expect(parsed.value).toBe(p.idNumber);
      if (parsed.birthDate !== p.birthDate || parsed.sex !== p.sex) {
        throw new Error(`${p.idNumber} disagrees with ${p.birthDate} / sex ${p.sex}`);
      }
      expect(p.idType).toBe("1");
    }
  });

  it("never repeats an ID number, and landlords are not residents", () => {
    const ids = new Set(data.persons.map((p) => p.idNumber));
    expect(ids.size).toBe(data.persons.length);
    for (const r of data.rentals) {
      expect(parseCitizenId(r.landlordIdNumber as string, TODAY).ok).toBe(true);
      expect(ids.has(r.landlordIdNumber as string)).toBe(false);
    }
  });

  it("gives valid unified social credit codes, unique, with a valid organisation code inside", () => {
    const seen = new Set<string>();
    for (const u of data.units) {
      const code = u.uscc as string;
      const parsed = parseUscc(code);
      if (!parsed.ok) throw new Error(`${code}: ${parsed.error}`);
      expect(parsed.warnings).toEqual([]);
      expect(code.slice(2, 8)).toBe("440104");
      expect(code.slice(0, 2)).toBe(u.kind === "2" ? "92" : "91");
      expect(seen.has(code)).toBe(false);
      seen.add(code);
      expect(u.industry).toMatch(/^[A-T]$/);
    }
    expect(new Set(data.units.map((u) => u.name)).size).toBe(data.units.length);
  });

  it("gives adults valid mobile numbers", () => {
    const adults = data.persons.filter((p) => ageOn(p.birthDate, REFERENCE_DATE) >= 18);
    const withPhone = adults.filter((p) => p.phone);
    expect(withPhone.length / adults.length).toBeGreaterThan(0.85);
    for (const p of withPhone) expect(p.phone).toMatch(MOBILE);
    for (const r of data.rentals) expect(r.landlordPhone).toMatch(MOBILE);
  });

  it("builds households with one head each and consistent members", () => {
    const heads = new Map<string, number>();
    for (const p of data.persons) {
      if (p.householdId && p.relation === "02") heads.set(p.householdId, (heads.get(p.householdId) ?? 0) + 1);
      if (ageOn(p.birthDate, REFERENCE_DATE) < 18) expect(p.marital).toBe("10");
    }
    for (const h of data.households) expect(heads.get(h.id as string)).toBe(1);
    expect(new Set(data.households.map((h) => h.householdNo)).size).toBe(data.households.length);
    const rooms = byId(data.rooms);
    for (const h of data.households) expect(rooms.get(h.roomId)?.gridId).toBe(h.gridId);
  });

  it("puts 1–4 migrant tenants in each rental room", () => {
    const tenantsOf = new Map<string, string[]>();
    for (const t of data.rentalTenants)
      tenantsOf.set(t.rentalId, [...(tenantsOf.get(t.rentalId) ?? []), t.personId]);
    const people = byId(data.persons);
    for (const r of data.rentals) {
      const tenants = tenantsOf.get(r.id as string) ?? [];
      expect(tenants.length).toBeGreaterThanOrEqual(1);
      expect(tenants.length).toBeLessThanOrEqual(4);
      expect(r.actualOccupants).toBe(tenants.length);
      expect(r.monthlyRent).toBeGreaterThanOrEqual(1500);
      expect(r.monthlyRent).toBeLessThanOrEqual(4500);
      for (const id of tenants) {
        const p = people.get(id);
        expect(p?.personType).toBe("02");
        expect(p?.householdId).toBeNull();
        expect(p?.roomId).toBe(r.roomId);
        expect(p?.arrivalDate).toBeTruthy();
        expect(p?.origin).toBeTruthy();
      }
    }
    const over = data.rentals.filter((r) => (r.actualOccupants ?? 0) > (r.maxOccupants ?? 0)).length;
    expect(over).toBeGreaterThan(0);
    expect(over / data.rentals.length).toBeLessThan(0.1);
    expect(data.rentals.filter((r) => r.filingNo).length / data.rentals.length).toBeGreaterThan(0.7);
  });

  it("has prefix-consistent paths and codes", () => {
    const areas = byId(data.areas);
    expect(new Set(data.areas.map((a) => a.path)).size).toBe(data.areas.length);
    for (const a of data.areas) {
      expect(a.path).toMatch(/^\/(\d+\/)+$/);
      if (!a.parentId) {
        expect(a.path).toBe(`/${a.code}/`);
        continue;
      }
      const parent = areas.get(a.parentId);
      if (!parent) throw new Error(`${a.code} has no parent`);
      expect(a.path).toBe(`${parent.path}${a.code}/`);
      if (a.level !== "district") expect(a.code.startsWith(parent.code)).toBe(true);
    }
    const grid = data.areas.find((a) => a.level === "grid");
    expect(grid?.path).toBe("/4401/440104/440104007/440104007101/440104007101001/");
    expect(grid?.name).toBe("马鞍北社区第1网格");
    const codes = data.areas.filter((a) => a.level === "community").map((a) => a.code);
    expect(codes).toEqual(GUANGTA_COMMUNITIES.map((c) => c.code));
  });

  it("places every building inside its grid, and grids inside their community", () => {
    const areas = byId(data.areas);
    for (const b of data.buildings) {
      const grid = areas.get(b.gridId);
      const ring = grid?.boundary?.coordinates[0];
      if (!ring) throw new Error(`grid of ${b.code} has no boundary`);
      if (!pointInRing(b.lng as number, b.lat as number, ring))
        throw new Error(`${b.code} lies outside ${grid?.code}`);
      const community = areas.get(grid?.parentId as string);
      expect(pointInRing(b.lng as number, b.lat as number, community?.boundary?.coordinates[0] ?? [])).toBe(
        true,
      );
    }
    for (const g of data.areas.filter((a) => a.level === "grid")) {
      expect(
        pointInRing(g.centerLng as number, g.centerLat as number, g.boundary?.coordinates[0] ?? []),
      ).toBe(true);
    }
  });

  it("tiles each community with its grids and the street with its communities", () => {
    const ringArea = (ring: readonly (readonly number[])[]) => {
      let sum = 0;
      for (let i = 0; i + 1 < ring.length; i++)
        sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
      return sum / 2; // positive: counter-clockwise, as GeoJSON asks
    };
    const area = (a: (typeof data.areas)[number]) => ringArea(a.boundary?.coordinates[0] ?? []);
    for (const parent of data.areas.filter((a) => a.level === "street" || a.level === "community")) {
      const children = data.areas.filter((a) => a.parentId === parent.id);
      for (const c of children) expect(area(c)).toBeGreaterThan(0);
      const sum = children.reduce((total, c) => total + area(c), 0);
      expect(Math.abs(sum - area(parent)) / area(parent)).toBeLessThan(1e-4);
    }
  });

  it("keeps the published community centres and puts the others near the street centre", () => {
    const mPerLng = 111_320 * Math.cos((GUANGTA.lat * Math.PI) / 180);
    const dist = (lng1: number, lat1: number, lng2: number, lat2: number) =>
      Math.hypot((lng1 - lng2) * mPerLng, (lat1 - lat2) * 110_574);
    const communities = data.areas.filter((a) => a.level === "community");
    for (const seed of GUANGTA_COMMUNITIES) {
      const c = communities.find((a) => a.code === seed.code);
      expect(c?.centerLng).toBe(seed.lng);
      expect(c?.centerLat).toBe(seed.lat);
      expect(pointInRing(seed.lng, seed.lat, c?.boundary?.coordinates[0] ?? [])).toBe(true);
      if (!seed.known) expect(dist(seed.lng, seed.lat, GUANGTA.lng, GUANGTA.lat)).toBeLessThan(600);
    }
  });

  it("puts every register row in a grid that exists", () => {
    const grids = new Set(data.areas.filter((a) => a.level === "grid").map((a) => a.id));
    for (const list of [
      data.buildings,
      data.rooms,
      data.households,
      data.persons,
      data.units,
      data.rentals,
    ]) {
      for (const row of list) expect(grids.has(row.gridId)).toBe(true);
    }
  });
});

describe("generateStreets: small scale and more streets", () => {
  it("keeps every community at scale 0.03 with about 1,200 persons", () => {
    const data = generateStreets({ scale: 0.03 });
    const c = summarize(data);
    expect(c.communities).toBe(16);
    expect(c.grids).toBeGreaterThanOrEqual(16);
    expect(c.persons).toBeGreaterThan(1_000);
    expect(c.persons).toBeLessThan(1_450);
    const withBuildings = new Set(data.buildings.map((b) => b.gridId));
    for (const g of data.areas.filter((a) => a.level === "grid"))
      expect(withBuildings.has(g.id as string)).toBe(true);
  });

  it("adds synthetic streets with their own codes and no repeated identifiers", () => {
    const data = generateStreets({ streets: 3, scale: 0.1 });
    const streets = data.areas.filter((a) => a.level === "street").map((a) => a.code);
    expect(streets).toEqual(["440104007", "440104001", "440104002"]);
    const communities = data.areas.filter((a) => a.level === "community" && a.code.startsWith("440104001"));
    expect(communities[0].code).toBe("440104001101");
    for (const key of ["code", "path"] as const) {
      expect(new Set(data.areas.map((a) => a[key])).size).toBe(data.areas.length);
    }
    expect(new Set(data.persons.map((p) => p.idNumber)).size).toBe(data.persons.length);
    expect(new Set(data.units.map((u) => u.uscc)).size).toBe(data.units.length);
    expect(new Set(data.buildings.map((b) => b.code)).size).toBe(data.buildings.length);
    expect(new Set(data.households.map((h) => h.householdNo)).size).toBe(data.households.length);
    const ids = [data.areas, data.buildings, data.rooms, data.persons].flatMap((l) => l.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
