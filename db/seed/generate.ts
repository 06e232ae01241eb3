// The demo register, generated without a database: 光塔街 (440104007) at its reported size, plus
// synthetic streets for benchmarks. Everything is drawn from one seed, ids included, so a seed names
// a data set. Shapes follow the source report and DOMAIN.md: about 40,314 residents of whom 9,530 are
// 60 or older, ≈2.63 persons per family household, grids of ≈360 households (≈950 persons).

import { citizenIdCheckChar } from "../../domain/validators/citizen-id";
import { ageOn } from "../../domain/validators/date";
import { orgCodeCheckChar, USCC_ALPHABET, usccCheckChar } from "../../domain/validators/uscc";
import type { areas, buildings, households, persons, rentals, rentalTenants, rooms, units } from "../schema";
import {
  centroid,
  equalAreaStrips,
  LocalProjection,
  type Poly,
  type Pt,
  placePoint,
  rectangle,
  toGeoJson,
  voronoiCells,
} from "./geometry";
import { type NamePool, personName, surname } from "./names";
import {
  BRAND_WORDS,
  CITY,
  COMPANY_TYPES,
  DISTRICT,
  GUANGTA,
  GUANGTA_COMMUNITIES,
  GUANGTA_LANES,
  GUANGZHOU_DISTRICTS,
  HAZARD_NOTES,
  LOCAL_MINORITIES,
  MIGRANT_ORIGINS,
  MOBILE_PREFIXES,
  type Origin,
  PLACE_STEMS,
  PLACE_SUFFIXES,
  ROAD_SUFFIXES,
  SHOP_TYPES,
  SYNTHETIC_STREET_NAMES,
  type UnitType,
} from "./places";
import { Random, type Weighted, weightedPicker } from "./random";

export type AreaRow = typeof areas.$inferInsert;
export type BuildingRow = typeof buildings.$inferInsert;
export type RoomRow = typeof rooms.$inferInsert;
export type HouseholdRow = typeof households.$inferInsert;
export type PersonRow = typeof persons.$inferInsert;
export type UnitRow = typeof units.$inferInsert;
export type RentalRow = typeof rentals.$inferInsert;
export type RentalTenantRow = typeof rentalTenants.$inferInsert;

/** Rows for every register table, in an order that satisfies the foreign keys when inserted as listed. */
export interface GeneratedData {
  areas: AreaRow[];
  buildings: BuildingRow[];
  rooms: RoomRow[];
  households: HouseholdRow[];
  persons: PersonRow[];
  units: UnitRow[];
  rentals: RentalRow[];
  rentalTenants: RentalTenantRow[];
}

export interface GenerateOptions {
  /** Same seed, same rows and ids. */
  seed?: number;
  /** 1 = 光塔街 only; more adds synthetic streets of 越秀区 for benchmarks. */
  streets?: number;
  /** Multiplies the households of every community; every community keeps at least one grid. */
  scale?: number;
}

export const DEFAULT_SEED = 1;
/** Ages, "60+", leases and arrival dates are all computed against this day. */
export const REFERENCE_DATE = "2026-11-24";
export const GUANGTA_PERSONS = 40_314;
export const GUANGTA_AGED_60_PLUS = 9_530;
const ELDERLY_SHARE = GUANGTA_AGED_60_PLUS / GUANGTA_PERSONS;
/** 950 persons ≈ 360 households per grid (Guangzhou 2019: 18.7 million people in 19,660 grids). */
export const PERSONS_PER_GRID = 950;

type Sex = "1" | "2";

// ---------------------------------------------------------------------------------------------
// Dates, as day numbers since 1970-01-01 (UTC), so arithmetic never meets a time zone.

const DAY_MS = 86_400_000;
const REF_Y = Number(REFERENCE_DATE.slice(0, 4));
const REF_M = Number(REFERENCE_DATE.slice(5, 7));
const REF_D = Number(REFERENCE_DATE.slice(8, 10));
const REF_DAY = ymdDay(REF_Y, REF_M, REF_D);

function ymdDay(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function dayOf(iso: string): number {
  return ymdDay(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
}

function addYears(day: number, years: number): number {
  const d = new Date(day * DAY_MS);
  return ymdDay(d.getUTCFullYear() + years, d.getUTCMonth() + 1, d.getUTCDate());
}

// ---------------------------------------------------------------------------------------------
// Households. Each template is a kind of household found in an old inner-city street; the weights
// are tuned so that, with the rental tenants added, the street lands on its reported totals.

interface MemberSpec {
  relation: string;
  sex: Sex;
  age: number;
  marital: string;
  /** Whose surname: the head's, one of its own, the children's father's, or the head's if a man. */
  surname: "head" | "own" | "child" | "paternal";
}

type TemplateKey =
  | "singleElder"
  | "elderCouple"
  | "youngSingle"
  | "midSingle"
  | "couple"
  | "coupleOneChild"
  | "coupleTwoChildren"
  | "singleParent"
  | "threeGenerations"
  | "elderWithChild"
  | "elderSonFamily"
  | "skipGeneration"
  | "siblings";

const TEMPLATE_WEIGHTS: Weighted<TemplateKey> = [
  ["singleElder", 10],
  ["elderCouple", 9],
  ["youngSingle", 8],
  ["midSingle", 5],
  ["couple", 8],
  ["coupleOneChild", 20],
  ["coupleTwoChildren", 8],
  ["singleParent", 4],
  ["threeGenerations", 9],
  ["elderWithChild", 9],
  ["elderSonFamily", 6],
  ["skipGeneration", 2],
  ["siblings", 1],
];

const ELDER_TEMPLATES: ReadonlySet<TemplateKey> = new Set([
  "singleElder",
  "elderCouple",
  "threeGenerations",
  "elderWithChild",
  "elderSonFamily",
  "skipGeneration",
]);

// The street's share of people aged 60+ is steered, not left to chance: while a street runs below
// the reported share, households with old people are a little likelier, and above it a little less.
// Every seed and scale then lands on the share, and templates keep their variety.
const reweighted = (factor: number) =>
  weightedPicker(
    TEMPLATE_WEIGHTS.map(([key, w]) => [key, ELDER_TEMPLATES.has(key) ? w * factor : w] as const),
  );
const pickTemplateOlder = reweighted(1.3);
const pickTemplateYounger = reweighted(0.75);

/** Ages past 60 by decade, shaped like China's 2020 census (most in their sixties, few past 90). */
function elderAge(r: Random, min = 60, older = false): number {
  const decade = older
    ? r.weighted([
        [60, 30],
        [70, 36],
        [80, 27],
        [90, 7],
      ])
    : r.weighted([
        [60, 52],
        [70, 31],
        [80, 14],
        [90, 3],
      ]);
  return Math.max(min, decade + r.int(0, 9));
}

const otherSex = (sex: Sex): Sex => (sex === "1" ? "2" : "1");

/** A spouse a few years apart, the husband usually older. */
function spouseAge(r: Random, headAge: number, headSex: Sex, min = 20): number {
  const gap = r.normalInt(2.5, 3, -4, 12);
  return Math.max(min, headSex === "1" ? headAge - gap : headAge + gap);
}

/** A child of a mother that age: born when she was 23–38, never older than `maxAge`. */
function childAge(r: Random, motherAge: number, maxAge = 40): number {
  return Math.max(0, Math.min(maxAge, motherAge - r.int(23, 38)));
}

const childRelation = (sex: Sex) => (sex === "1" ? "20" : "30");
const adultSingleMarital = (r: Random, age: number) =>
  age < 30
    ? r.weighted([
        ["10", 92],
        ["40", 5],
        ["20", 3],
      ])
    : r.weighted([
        ["10", 45],
        ["40", 35],
        ["20", 10],
        ["30", 10],
      ]);

function buildTemplate(r: Random, key: TemplateKey): MemberSpec[] {
  const members: MemberSpec[] = [];
  const head = (sex: Sex, age: number, marital: string) =>
    members.push({ relation: "02", sex, age, marital, surname: "head" });
  const add = (relation: string, sex: Sex, age: number, marital: string, line: MemberSpec["surname"]) =>
    members.push({ relation, sex, age, marital, surname: line });
  const children = (count: number, motherAge: number, maxAge = 35) => {
    for (let i = 0; i < count; i++) {
      const sex: Sex = r.chance(0.52) ? "1" : "2";
      const age = childAge(r, motherAge, maxAge);
      add(childRelation(sex), sex, age, age >= 22 ? adultSingleMarital(r, age) : "10", "child");
    }
  };

  switch (key) {
    case "singleElder": {
      const sex: Sex = r.chance(0.68) ? "2" : "1";
      const marital = r.weighted([
        ["30", 68],
        ["40", 10],
        ["20", 14],
        ["10", 8],
      ]);
      head(sex, elderAge(r, 62, true), marital);
      break;
    }
    case "elderCouple": {
      const sex: Sex = r.chance(0.85) ? "1" : "2";
      const age = elderAge(r, 61);
      head(sex, age, "20");
      add("10", otherSex(sex), spouseAge(r, age, sex, 56), "20", "own");
      break;
    }
    case "youngSingle": {
      const age = r.normalInt(31, 5, 22, 39);
      head(r.chance(0.55) ? "1" : "2", age, adultSingleMarital(r, age));
      break;
    }
    case "midSingle": {
      const age = r.int(40, 59);
      head(r.chance(0.5) ? "1" : "2", age, adultSingleMarital(r, age));
      break;
    }
    case "couple": {
      const sex: Sex = r.chance(0.8) ? "1" : "2";
      const age = r.normalInt(42, 12, 24, 62);
      head(sex, age, "20");
      add("10", otherSex(sex), spouseAge(r, age, sex, 22), "20", "own");
      break;
    }
    case "coupleOneChild":
    case "coupleTwoChildren": {
      const sex: Sex = r.chance(0.8) ? "1" : "2";
      const age = r.normalInt(43, 8, 27, 62);
      head(sex, age, "20");
      const spouse = spouseAge(r, age, sex, 24);
      add("10", otherSex(sex), spouse, "20", "own");
      children(key === "coupleOneChild" ? 1 : 2, sex === "2" ? age : spouse, 32);
      break;
    }
    case "singleParent": {
      const sex: Sex = r.chance(0.75) ? "2" : "1";
      const age = r.normalInt(42, 7, 28, 58);
      const marital = r.weighted([
        ["40", 60],
        ["30", 15],
        ["20", 25],
      ]);
      head(sex, age, marital);
      children(r.chance(0.8) ? 1 : 2, sex === "2" ? age : age - 2, 25);
      break;
    }
    case "threeGenerations": {
      // A couple in their forties with children, and one or both of the head's parents.
      const sex: Sex = r.chance(0.85) ? "1" : "2";
      const age = r.normalInt(46, 6, 34, 58);
      head(sex, age, "20");
      const spouse = spouseAge(r, age, sex, 30);
      const married = r.chance(0.9);
      if (married) add("10", otherSex(sex), spouse, "20", "own");
      else members[0].marital = r.chance(0.7) ? "40" : "30";
      children(r.chance(0.6) ? 1 : 2, sex === "2" ? age : spouse, 28);
      const parentAge = Math.max(62, age + r.int(24, 34));
      if (r.chance(0.35)) {
        add("50", "1", Math.min(100, parentAge + r.int(0, 4)), "20", "head");
        add("50", "2", Math.min(100, parentAge), "20", "own");
      } else {
        const parentSex: Sex = r.chance(0.7) ? "2" : "1";
        add(
          "50",
          parentSex,
          Math.min(100, parentAge),
          r.chance(0.85) ? "30" : "20",
          parentSex === "1" ? "head" : "own",
        );
      }
      break;
    }
    case "elderWithChild": {
      // Parents past 60 with a grown child at home (unmarried or back after a divorce).
      const sex: Sex = r.chance(0.7) ? "1" : "2";
      const age = elderAge(r, 60);
      const couple = r.chance(0.55);
      head(sex, age, couple ? "20" : r.chance(0.85) ? "30" : "40");
      const spouse = spouseAge(r, age, sex, 55);
      if (couple) add("10", otherSex(sex), spouse, "20", "own");
      const mother = sex === "2" ? age : couple ? spouse : age - 2;
      const childSex: Sex = r.chance(0.55) ? "1" : "2";
      const cAge = Math.max(22, childAge(r, mother, 60));
      add(childRelation(childSex), childSex, cAge, adultSingleMarital(r, cAge), "child");
      break;
    }
    case "elderSonFamily": {
      // The old couple keeps the flat and the hukou; a married son lives with them with his family.
      const age = elderAge(r, 62);
      const couple = r.chance(0.6);
      head("1", age, couple ? "20" : "30");
      if (!couple) members[0].sex = "2";
      const spouse = spouseAge(r, age, "1", 58);
      if (couple) add("10", "2", spouse, "20", "own");
      const sonAge = Math.max(28, childAge(r, couple ? spouse : age, 55));
      add("20", "1", sonAge, "20", couple ? "head" : "own");
      const wife = Math.max(24, sonAge - r.int(0, 5));
      add("38", "2", wife, "20", "own");
      const grandkids = r.chance(0.7) ? 1 : 2;
      for (let i = 0; i < grandkids; i++) {
        const sex: Sex = r.chance(0.52) ? "1" : "2";
        add(
          sex === "1" ? "41" : "42",
          sex,
          childAge(r, wife, 20),
          "10",
          members[0].sex === "1" ? "head" : "paternal",
        );
      }
      // A widow heads her late husband's household: the son and grandchildren carry his surname.
      if (!couple) for (const m of members.slice(1)) if (m.relation !== "38") m.surname = "paternal";
      break;
    }
    case "skipGeneration": {
      // Grandparents raising a grandchild while the parents work elsewhere.
      const sex: Sex = r.chance(0.6) ? "1" : "2";
      const age = elderAge(r, 60);
      const couple = r.chance(0.6);
      head(sex, age, couple ? "20" : "30");
      if (couple) add("10", otherSex(sex), spouseAge(r, age, sex, 55), "20", "own");
      const kids = r.chance(0.75) ? 1 : 2;
      const viaSon = r.chance(0.65);
      for (let i = 0; i < kids; i++) {
        const kSex: Sex = r.chance(0.52) ? "1" : "2";
        const relation = viaSon ? (kSex === "1" ? "41" : "42") : kSex === "1" ? "43" : "44";
        add(relation, kSex, r.int(2, 15), "10", viaSon && sex === "1" ? "head" : "own");
      }
      break;
    }
    case "siblings": {
      const sex: Sex = r.chance(0.5) ? "1" : "2";
      const age = r.int(48, 82);
      head(
        sex,
        age,
        r.weighted([
          ["10", 50],
          ["30", 30],
          ["40", 20],
        ]),
      );
      const sibSex: Sex = r.chance(0.5) ? "1" : "2";
      const sibAge = Math.max(40, age + r.int(-8, 8));
      const older = sibAge > age;
      const relation = sibSex === "1" ? (older ? "71" : "73") : older ? "75" : "77";
      add(relation, sibSex, sibAge, r.chance(0.6) ? "10" : "30", "head");
      break;
    }
  }
  return members;
}

// ---------------------------------------------------------------------------------------------
// Person attributes that depend on age, sex and cohort.

function educationFor(r: Random, age: number, birthYear: number): string | null {
  if (age < 6) return null;
  if (age < 12) return "80";
  if (age < 15) return "70";
  if (age < 18) return r.chance(0.8) ? "60" : "40";
  if (age < 23)
    return r.weighted([
      ["60", 45],
      ["30", 20],
      ["20", 25],
      ["40", 10],
    ]);
  if (birthYear < 1950)
    return r.weighted([
      ["80", 38],
      ["70", 30],
      ["60", 15],
      ["40", 6],
      ["30", 5],
      ["20", 4],
      ["90", 2],
    ]);
  if (birthYear < 1965)
    return r.weighted([
      ["70", 35],
      ["60", 30],
      ["80", 12],
      ["40", 10],
      ["30", 8],
      ["20", 5],
    ]);
  if (birthYear < 1980)
    return r.weighted([
      ["60", 28],
      ["70", 22],
      ["40", 15],
      ["30", 17],
      ["20", 15],
      ["10", 3],
    ]);
  if (birthYear < 1995)
    return r.weighted([
      ["20", 35],
      ["30", 25],
      ["60", 15],
      ["40", 12],
      ["70", 6],
      ["10", 7],
    ]);
  return r.weighted([
    ["20", 45],
    ["30", 25],
    ["10", 10],
    ["60", 10],
    ["40", 10],
  ]);
}

function migrantEducation(r: Random, age: number, birthYear: number): string | null {
  if (age < 23) return educationFor(r, age, birthYear);
  return r.weighted([
    ["70", 35],
    ["60", 22],
    ["40", 15],
    ["30", 14],
    ["20", 9],
    ["80", 5],
  ]);
}

function politicsFor(r: Random, age: number): string {
  if (age < 14) return "13";
  if (age <= 28) {
    const x = r.next();
    if (age >= 18 && x < 0.04) return "01";
    if (x < 0.34) return "03";
    return "13";
  }
  const x = r.next();
  if (age >= 60) return x < 0.12 ? "01" : "13";
  if (x < 0.08) return "01";
  if (x < 0.083) return "02";
  if (x < 0.087) return r.pick(["05", "07", "12"]);
  return "13";
}

function employmentFor(r: Random, age: number, sex: Sex): string {
  if (age < 6) return "50";
  if (age < 18) return "40";
  if (age < 23)
    return r.weighted([
      ["40", 55],
      ["10", 38],
      ["20", 4],
      ["90", 3],
    ]);
  const retirement = sex === "1" ? 60 : r.chance(0.5) ? 50 : 55;
  if (age >= retirement) {
    if (age < 65 && r.chance(0.12)) return "10";
    return r.chance(0.95) ? "30" : "90";
  }
  return r.weighted([
    ["10", 86],
    ["20", 4],
    ["90", 10],
  ]);
}

function disabilityChance(age: number): number {
  return age < 60 ? 0.01 : age < 80 ? 0.035 : 0.07;
}

// ---------------------------------------------------------------------------------------------
// Plans: where streets, communities and grids go before anything is filled in.

interface CommunityPlan {
  code: string;
  name: string;
  site: Pt;
  /** Exact published centre when there is one. */
  lngLat?: [number, number];
  lanes: string[];
}

interface StreetPlan {
  code: string;
  name: string;
  bounds: Poly;
  centre: [number, number];
  communities: CommunityPlan[];
  personsTarget: number;
}

interface StreetCtx {
  plan: StreetPlan;
  id: string;
  path: string;
}

interface CommunityCtx {
  plan: CommunityPlan;
  street: StreetCtx;
  id: string;
  path: string;
  householdSeq: number;
  laneNumbers: Map<string, number>;
}

interface GridCtx {
  id: string;
  code: string;
  poly: Poly;
  community: CommunityCtx;
  buildingSeq: number;
  placed: Pt[];
}

interface RoomCtx {
  row: RoomRow;
  id: string;
  gridId: string;
  address: string;
}

interface Landlord {
  name: string;
  idNumber: string;
  phone: string;
}

interface BuildingDims {
  floors: number;
  sections: number;
  perFloor: number;
}

/** Chebyshev rings around the origin (the eight neighbours, then the next ring), so extra streets surround 光塔街. */
function ringOffset(k: number): [number, number] {
  let n = 0;
  for (let ring = 1; ; ring++) {
    for (let j = -ring; j <= ring; j++) {
      for (let i = -ring; i <= ring; i++) {
        if (Math.max(Math.abs(i), Math.abs(j)) !== ring) continue;
        n++;
        if (n === k) return [i, j];
      }
    }
  }
}

/** Codes for extra streets: 440104001, 002, … skipping 光塔街's 007. */
export function syntheticStreetCode(index: number): string {
  const seq = index >= 7 ? index + 1 : index;
  return `440104${String(seq).padStart(3, "0")}`;
}

const STREET_SPACING_M = 1_900;
const SYNTHETIC_HALF_SIZE_M = 700;
const GUANGTA_MARGIN_M = 150;

/** Expected persons per residential room (households, rentals and vacancies together), for stopping early. */
const PERSONS_PER_ROOM = 2.45;
const VACANCY = 0.04;
/** Rentals are private flats: about 12% of all residential rooms once public housing is counted out. */
const RENTAL_SHARE_OF_PRIVATE = 0.167;

// ---------------------------------------------------------------------------------------------

class Generator {
  readonly data: GeneratedData = {
    areas: [],
    buildings: [],
    rooms: [],
    households: [],
    persons: [],
    units: [],
    rentals: [],
    rentalTenants: [],
  };

  private readonly projection = new LocalProjection(GUANGTA.lng, GUANGTA.lat);
  private readonly usedIdNumbers = new Set<string>();
  private readonly usedPhones = new Set<string>();
  private readonly usedUscc = new Set<string>();
  private readonly usedUnitNames = new Set<string>();
  private filingSeq = 0;
  private permitSeq = 0;
  private streetPersons = 0;
  private streetElderly = 0;
  // Both replaced per street, so one street's data does not depend on how many streets follow.
  private r: Random;
  private ids: Random;

  constructor(
    private readonly root: Random,
    private readonly scale: number,
  ) {
    this.r = root.fork("hierarchy");
    this.ids = root.fork("hierarchy-ids");
  }

  run(streetCount: number): GeneratedData {
    const cityId = this.ids.uuid();
    const districtId = this.ids.uuid();
    const cityPath = `/${CITY.code}/`;
    const districtPath = `${cityPath}${DISTRICT.code}/`;
    this.data.areas.push(
      {
        id: cityId,
        parentId: null,
        level: "city",
        code: CITY.code,
        name: CITY.name,
        path: cityPath,
        boundary: null,
        centerLat: CITY.lat,
        centerLng: CITY.lng,
      },
      {
        id: districtId,
        parentId: cityId,
        level: "district",
        code: DISTRICT.code,
        name: DISTRICT.name,
        path: districtPath,
        boundary: null,
        centerLat: DISTRICT.lat,
        centerLng: DISTRICT.lng,
      },
    );

    const names = this.syntheticCommunityNames();
    for (let s = 0; s < streetCount; s++) {
      const plan = s === 0 ? this.guangtaPlan() : this.syntheticPlan(s, names);
      this.r = this.root.fork(`street:${plan.code}`);
      this.ids = this.root.fork(`street-ids:${plan.code}`);
      this.street(plan, districtId, districtPath);
    }
    return this.data;
  }

  // -- plans ------------------------------------------------------------------------------------

  private guangtaPlan(): StreetPlan {
    const r = this.root.fork("plan:guangta");
    const sites = GUANGTA_COMMUNITIES.map((c) => this.projection.toLocal(c.lng, c.lat));
    const xs = sites.map((p) => p.x);
    const ys = sites.map((p) => p.y);
    const bounds = rectangle(
      Math.min(...xs) - GUANGTA_MARGIN_M,
      Math.min(...ys) - GUANGTA_MARGIN_M,
      Math.max(...xs) + GUANGTA_MARGIN_M,
      Math.max(...ys) + GUANGTA_MARGIN_M,
    );
    const communities = GUANGTA_COMMUNITIES.map((c, i) => {
      const base = /[巷里]$/.test(c.name) ? c.name : `${c.name}街`;
      const others = r.shuffle([...GUANGTA_LANES]).slice(0, 2);
      return {
        code: c.code,
        name: c.name,
        site: sites[i],
        lngLat: [c.lng, c.lat] as [number, number],
        lanes: [base, ...others],
      };
    });
    return {
      code: GUANGTA.code,
      name: GUANGTA.name,
      bounds,
      centre: [GUANGTA.lng, GUANGTA.lat],
      communities,
      personsTarget: GUANGTA_PERSONS * this.scale,
    };
  }

  private syntheticCommunityNames(): string[] {
    const r = this.root.fork("community-names");
    const names: string[] = [];
    for (const stem of PLACE_STEMS) for (const suffix of PLACE_SUFFIXES) names.push(stem + suffix);
    return r.shuffle(names);
  }

  private syntheticPlan(index: number, names: string[]): StreetPlan {
    const r = this.root.fork(`plan:${index}`);
    const code = syntheticStreetCode(index);
    const name = SYNTHETIC_STREET_NAMES[index - 1] ?? `越秀第${index + 1}街`;
    const [oi, oj] = ringOffset(index);
    const cx = oi * STREET_SPACING_M;
    const cy = oj * STREET_SPACING_M;
    const h = SYNTHETIC_HALF_SIZE_M;
    const bounds = rectangle(cx - h, cy - h, cx + h, cy + h);
    const count = r.int(11, 15);
    const cols = Math.ceil(Math.sqrt(count));
    const rows = Math.ceil(count / cols);
    const w = (2 * h) / cols;
    const ht = (2 * h) / rows;
    const communities: CommunityPlan[] = [];
    for (let i = 0; i < count; i++) {
      const col = i % cols;
      const row = Math.floor(i / cols);
      const site = {
        x: cx - h + (col + 0.5) * w + r.float(-0.3, 0.3) * w,
        y: cy + h - (row + 0.5) * ht + r.float(-0.3, 0.3) * ht,
      };
      const cname = names[((index - 1) * 16 + i) % names.length];
      const base = /[巷里坊]$/.test(cname) ? cname : `${cname}街`;
      const lanes = [base];
      while (lanes.length < 3) {
        const lane = r.pick(PLACE_STEMS) + r.pick(ROAD_SUFFIXES);
        if (!lanes.includes(lane)) lanes.push(lane);
      }
      communities.push({ code: `${code}${101 + i}`, name: cname, site, lanes });
    }
    const [lng, lat] = this.projection.toLngLat({ x: cx, y: cy });
    return {
      code,
      name,
      bounds,
      centre: [lng, lat],
      communities,
      personsTarget: GUANGTA_PERSONS * r.float(0.85, 1.15) * this.scale,
    };
  }

  // -- hierarchy --------------------------------------------------------------------------------

  private street(plan: StreetPlan, districtId: string, districtPath: string): void {
    this.streetPersons = 0;
    this.streetElderly = 0;
    const street: StreetCtx = { plan, id: this.ids.uuid(), path: `${districtPath}${plan.code}/` };
    this.data.areas.push({
      id: street.id,
      parentId: districtId,
      level: "street",
      code: plan.code,
      name: plan.name,
      path: street.path,
      boundary: toGeoJson(plan.bounds, this.projection),
      centerLng: plan.centre[0],
      centerLat: plan.centre[1],
    });

    const cells = voronoiCells(
      plan.communities.map((c) => c.site),
      plan.bounds,
    );
    // Communities differ in size; their grid counts follow from their share of the street.
    const weights = plan.communities.map(() => this.r.float(0.75, 1.25));
    const weightSum = weights.reduce((a, b) => a + b, 0);

    // Targets are cumulative so one grid's overshoot is taken from the next: the street total stays
    // within half a building of its target however the grids round.
    let cumulativeTarget = 0;
    let produced = 0;
    plan.communities.forEach((cp, i) => {
      const community: CommunityCtx = {
        plan: cp,
        street,
        id: this.ids.uuid(),
        path: `${street.path}${cp.code}/`,
        householdSeq: 0,
        laneNumbers: new Map(),
      };
      const [lng, lat] = cp.lngLat ?? this.projection.toLngLat(cp.site);
      this.data.areas.push({
        id: community.id,
        parentId: street.id,
        level: "community",
        code: cp.code,
        name: `${cp.name}社区`,
        path: community.path,
        boundary: toGeoJson(cells[i], this.projection),
        centerLng: lng,
        centerLat: lat,
      });
      const communityTarget = (plan.personsTarget * weights[i]) / weightSum;
      const gridCount = Math.max(1, Math.round(communityTarget / PERSONS_PER_GRID));
      const strips = equalAreaStrips(cells[i], gridCount);
      strips.forEach((strip, g) => {
        const code = `${cp.code}${String(g + 1).padStart(3, "0")}`;
        const grid: GridCtx = {
          id: this.ids.uuid(),
          code,
          poly: strip,
          community,
          buildingSeq: 0,
          placed: [],
        };
        const [glng, glat] = this.projection.toLngLat(centroid(strip));
        this.data.areas.push({
          id: grid.id,
          parentId: community.id,
          level: "grid",
          code,
          name: `${cp.name}社区第${g + 1}网格`,
          path: `${community.path}${code}/`,
          boundary: toGeoJson(strip, this.projection),
          centerLng: glng,
          centerLat: glat,
        });
        cumulativeTarget += communityTarget / gridCount;
        produced += this.fillGrid(grid, cumulativeTarget - produced);
      });
    });
  }

  // -- buildings and rooms ----------------------------------------------------------------------

  private buildingDims(): BuildingDims {
    const r = this.r;
    return {
      floors: r.weighted([
        [3, 8],
        [4, 12],
        [5, 16],
        [6, 20],
        [7, 18],
        [8, 14],
        [9, 12],
      ]),
      sections: r.weighted([
        [1, 65],
        [2, 25],
        [3, 10],
      ]),
      perFloor: r.weighted([
        [2, 20],
        [3, 25],
        [4, 30],
        [5, 15],
        [6, 10],
      ]),
    };
  }

  /** Fills a grid with buildings until it holds about `target` persons; returns how many it holds. */
  private fillGrid(grid: GridCtx, target: number): number {
    let persons = 0;
    for (;;) {
      const dims = this.buildingDims();
      const rooms = () => dims.floors * dims.sections * dims.perFloor;
      if (grid.buildingSeq > 0 && persons + (rooms() * PERSONS_PER_ROOM) / 2 >= target) break;
      if (grid.buildingSeq === 0) {
        // A tiny grid (small scale) still gets one building, sized to what it should hold.
        const fit = Math.max(6, target / PERSONS_PER_ROOM);
        if (rooms() > fit * 1.3) dims.sections = 1;
        while (rooms() > fit * 1.3 && dims.perFloor > 2) dims.perFloor--;
        while (rooms() > fit * 1.3 && dims.floors > 3) dims.floors--;
      }
      persons += this.building(grid, dims);
    }
    return persons;
  }

  private laneAddress(community: CommunityCtx): string {
    const lane = this.r.pick(community.plan.lanes);
    const next = (community.laneNumbers.get(lane) ?? 0) + this.r.int(1, 3);
    community.laneNumbers.set(lane, next);
    return `${lane}${next}号`;
  }

  /** One building with all its rooms and what lives and trades in them; returns its persons. */
  private building(grid: GridCtx, dims: BuildingDims): number {
    const r = this.r;
    const community = grid.community;
    const street = community.street.plan;
    grid.buildingSeq++;
    const id = this.ids.uuid();
    const address = `广州市越秀区${street.name}${community.plan.name}社区${this.laneAddress(community)}`;
    const frontage = r.chance(0.15);
    const office = r.chance(0.04) && dims.floors >= 3;
    const propertyType = r.weighted([
      ["1", 72],
      ["2", 20],
      ["3", 8],
    ]);
    const spot = placePoint(r, grid.poly, grid.placed, 6);
    grid.placed.push(spot);
    const [lng, lat] = this.projection.toLngLat(spot);
    const name =
      dims.floors >= 8 && r.chance(0.5)
        ? `${r.pick(BRAND_WORDS)}${r.pick(["大厦", "楼", "苑", "阁"])}`
        : null;
    this.data.buildings.push({
      id,
      gridId: grid.id,
      code: `${grid.code}${String(grid.buildingSeq).padStart(3, "0")}`,
      address,
      name,
      floors: dims.floors,
      use: frontage || office ? "4" : "1",
      propertyType,
      lat,
      lng,
      version: 1,
      source: "police",
    });

    let persons = 0;
    for (let s = 1; s <= dims.sections; s++) {
      for (let f = 1; f <= dims.floors; f++) {
        for (let k = 1; k <= dims.perFloor; k++) {
          const unitNo = dims.sections > 1 ? String(s) : null;
          const roomNo = `${f}${String(k).padStart(2, "0")}`;
          const roomAddress = `${address}${unitNo ? `${unitNo}单元` : ""}${roomNo}房`;
          const shop = frontage && f === 1 && ((s === 1 && k === 1) || r.chance(0.4));
          const isOffice = !shop && office && s === 1 && f === 2 && k === 1;
          const use = shop ? "2" : isOffice ? "3" : "1";
          const areaM2 = shop
            ? round2(r.float(12, 60))
            : isOffice
              ? round2(r.float(35, 110))
              : round2(Math.min(120, Math.max(18, r.normal(55, 14))));
          const row: RoomRow = {
            id: this.ids.uuid(),
            gridId: grid.id,
            buildingId: id,
            unitNo,
            floor: f,
            roomNo,
            use,
            areaM2,
            ownerName: null,
            version: 1,
            source: "police",
          };
          this.data.rooms.push(row);
          const room: RoomCtx = { row, id: row.id as string, gridId: grid.id, address: roomAddress };
          if (shop || isOffice) {
            if (propertyType === "1")
              row.ownerName = personName(r, r.chance(0.6) ? "1" : "2", r.int(1950, 1985));
            // A few shopfronts stand empty.
            if (!shop || r.chance(0.92)) this.unit(room, id, grid, shop && r.chance(0.85) ? "2" : "1");
            continue;
          }
          if (r.chance(VACANCY)) {
            if (propertyType === "1")
              row.ownerName = personName(r, r.chance(0.6) ? "1" : "2", r.int(1945, 1990));
            continue;
          }
          if (propertyType === "1" && r.chance(RENTAL_SHARE_OF_PRIVATE)) {
            persons += this.rental(room, community);
            continue;
          }
          persons += this.household(room, community, propertyType === "1");
        }
      }
    }
    return persons;
  }

  // -- people -----------------------------------------------------------------------------------

  /** Ages are exact on the reference day, so the spec's age decides "60+". */
  private count(people: readonly { age: number }[]): void {
    this.streetPersons += people.length;
    for (const p of people) if (p.age >= 60) this.streetElderly++;
  }

  private idNumber(area: string, birthDate: string, sex: Sex): string {
    const ymd = birthDate.replaceAll("-", "");
    for (;;) {
      // Odd sequence numbers are men's, even ones women's; 000 is never issued.
      const seq = this.r.int(sex === "1" ? 0 : 1, 499) * 2 + (sex === "1" ? 1 : 0);
      const first17 = `${area}${ymd}${String(seq).padStart(3, "0")}`;
      const id = first17 + citizenIdCheckChar(first17);
      if (!this.usedIdNumbers.has(id)) {
        this.usedIdNumbers.add(id);
        return id;
      }
    }
  }

  private mobile(): string {
    for (let tries = 0; ; tries++) {
      const phone = this.r.pick(MOBILE_PREFIXES) + this.r.digits(8);
      if (!this.usedPhones.has(phone) || tries > 5) {
        this.usedPhones.add(phone);
        return phone;
      }
    }
  }

  /** A birth date that makes the person exactly `age` on the reference day; babies at least two weeks old. */
  private birthDate(age: number): string {
    const upper = age === 0 ? REF_DAY - 14 : ymdDay(REF_Y - age, REF_M, REF_D);
    const lower = ymdDay(REF_Y - age - 1, REF_M, REF_D) + 1;
    return isoOf(this.r.int(lower, upper));
  }

  private localIdArea(birthYear: number): { code: string; origin?: Origin } {
    const r = this.r;
    const x = r.next();
    if (birthYear >= 2000) return { code: x < 0.95 ? "440104" : r.weighted(GUANGZHOU_DISTRICTS).code };
    if (x < 0.78) return { code: "440104" };
    if (x < 0.92) {
      const d = r.weighted(GUANGZHOU_DISTRICTS);
      return { code: d.code === "440102" && birthYear >= 2005 ? "440104" : d.code };
    }
    const origin = r.weighted(MIGRANT_ORIGINS);
    return { code: origin.code, origin };
  }

  private elsewhereInGuangzhou(): string {
    const r = this.r;
    const district = r.weighted(GUANGZHOU_DISTRICTS).name;
    return `广州市${district}${r.pick(PLACE_STEMS)}${r.pick(ROAD_SUFFIXES)}${r.int(1, 180)}号`;
  }

  private household(room: RoomCtx, community: CommunityCtx, privateFlat: boolean): number {
    const r = this.r;
    const collective = r.chance(0.003);
    const older = this.streetElderly < this.streetPersons * ELDERLY_SHARE;
    const key = collective ? null : (older ? pickTemplateOlder : pickTemplateYounger)(r);
    const specs: MemberSpec[] = collective ? this.collectiveMembers() : buildTemplate(r, key as TemplateKey);
    const householdId = this.ids.uuid();
    community.householdSeq++;
    const lowIncomeChance =
      key === "singleElder"
        ? 0.05
        : key === "singleParent"
          ? 0.12
          : key === "midSingle"
            ? 0.06
            : key === "elderWithChild" || key === "skipGeneration"
              ? 0.03
              : 0.008;
    const lowIncome = !collective && r.chance(lowIncomeChance);
    const fiveGuarantee = key === "singleElder" && specs[0].marital === "10" && r.chance(0.3);
    this.data.households.push({
      id: householdId,
      gridId: room.gridId,
      roomId: room.id,
      householdNo: `${community.plan.code}${String(community.householdSeq).padStart(6, "0")}`,
      kind: collective ? "2" : "1",
      lowIncome,
      fiveGuarantee,
      version: 1,
      source: "police",
    });

    // Surnames: the head's own, the father's for children, the head's line for a son's children.
    const head = specs[0];
    const headSurname = surname(r);
    const spouse = specs.find((m) => m.relation === "10");
    const spouseSurname = surname(r);
    const fatherSurname =
      head.sex === "1" ? headSurname : spouse ? spouseSurname : r.chance(0.6) ? surname(r) : headSurname;
    const leftBehindElderly =
      (key === "singleElder" && r.chance(0.12)) || (key === "elderCouple" && r.chance(0.06));

    specs.forEach((spec, i) => {
      const family =
        spec.surname === "head"
          ? headSurname
          : spec.surname === "child"
            ? fatherSurname
            : spec.surname === "paternal"
              ? fatherSurname
              : spec.relation === "10"
                ? spouseSurname
                : undefined;
      const birthDate = this.birthDate(spec.age);
      const birthYear = Number(birthDate.slice(0, 4));
      const idArea = this.localIdArea(birthYear);
      const x = r.next();
      // 人户一致 for most; a few live here with their hukou elsewhere, or are registered here but away.
      const residenceMatch =
        x < 0.03 ? "2" : x < 0.07 && spec.age >= 18 && spec.age <= 50 && i > 0 ? "3" : "1";
      const ethnicity = r.chance(0.985) ? "01" : r.weighted(LOCAL_MINORITIES);
      const phoneChance =
        spec.age < 12 ? 0 : spec.age < 16 ? 0.3 : spec.age < 75 ? 0.96 : spec.age < 85 ? 0.75 : 0.5;
      const employment = employmentFor(r, spec.age, spec.sex);
      let leftBehind: string | null = null;
      if (leftBehindElderly && spec.age >= 60) leftBehind = "elderly";
      if (key === "skipGeneration" && spec.age < 16 && r.chance(0.5)) leftBehind = "child";
      this.data.persons.push({
        id: this.ids.uuid(),
        gridId: room.gridId,
        householdId,
        roomId: room.id,
        name: personName(r, spec.sex, birthYear, { family }),
        idType: "1",
        idNumber: this.idNumber(idArea.code, birthDate, spec.sex),
        sex: spec.sex,
        birthDate,
        ethnicity,
        relation: spec.relation,
        marital: spec.age < 18 ? "10" : spec.marital,
        education: educationFor(r, spec.age, birthYear),
        politics: politicsFor(r, spec.age),
        hukouCategory: collective ? "3" : birthYear >= 2015 || r.chance(0.2) ? "4" : "1",
        hukouAddress: residenceMatch === "2" ? this.elsewhereInGuangzhou() : room.address,
        currentAddress: residenceMatch === "3" ? this.elsewhereInGuangzhou() : room.address,
        residenceMatch,
        personType: "01",
        phone: r.chance(phoneChance) ? this.mobile() : null,
        employment,
        disability: r.chance(disabilityChance(spec.age)),
        lowIncome,
        unemployed: employment === "20",
        leftBehind,
        arrivalDate: null,
        origin: null,
        residencePermitNo: null,
        version: 1,
        source: "police",
      });
    });
    this.count(specs);
    if (privateFlat && r.chance(0.85))
      room.row.ownerName = this.data.persons[this.data.persons.length - specs.length].name;
    else if (privateFlat) room.row.ownerName = personName(r, r.chance(0.6) ? "1" : "2", r.int(1945, 1990));
    return specs.length;
  }

  /** A collective household (集体户): a work unit's dormitory hukou, unrelated adults. */
  private collectiveMembers(): MemberSpec[] {
    const r = this.r;
    const count = r.int(3, 8);
    const members: MemberSpec[] = [];
    for (let i = 0; i < count; i++) {
      const age = r.int(20, 58);
      members.push({
        relation: i === 0 ? "02" : "99",
        sex: r.chance(0.55) ? "1" : "2",
        age,
        marital: adultSingleMarital(r, age),
        surname: "own",
      });
    }
    return members;
  }

  private landlord(): Landlord {
    const r = this.r;
    const sex: Sex = r.chance(0.55) ? "1" : "2";
    const birthDate = this.birthDate(r.int(38, 85));
    const birthYear = Number(birthDate.slice(0, 4));
    return {
      name: personName(r, sex, birthYear),
      idNumber: this.idNumber(r.chance(0.8) ? "440104" : this.localIdArea(birthYear).code, birthDate, sex),
      phone: this.mobile(),
    };
  }

  private landlords = new Map<string, Landlord[]>();

  /** A rental room with 1–4 migrant tenants; returns the tenants. */
  private rental(room: RoomCtx, community: CommunityCtx): number {
    const r = this.r;
    // Some landlords let more than one flat in their community.
    const known = this.landlords.get(community.plan.code) ?? [];
    const landlord = known.length > 0 && r.chance(0.15) ? r.pick(known) : this.landlord();
    if (!known.includes(landlord)) known.push(landlord);
    this.landlords.set(community.plan.code, known);
    room.row.ownerName = landlord.name;

    const area = room.row.areaM2 as number;
    const leaseYears = r.weighted([
      [1, 60],
      [2, 30],
      [3, 10],
    ]);
    // Most leases are running; some have lapsed while the tenants stayed on, as registers show.
    const leaseStartDay = r.chance(0.88)
      ? REF_DAY - r.int(5, leaseYears * 365 - 1)
      : REF_DAY - leaseYears * 365 - r.int(1, 240);
    const leaseEndDay = addYears(leaseStartDay, leaseYears) - 1;
    // Filing is due within 30 days of signing: recent leases are often not filed yet.
    const filed = r.chance(REF_DAY - leaseStartDay > 30 ? 0.9 : 0.3);
    const tenantCount = r.weighted([
      [1, 30],
      [2, 35],
      [3, 22],
      [4, 13],
    ]);
    let maxOccupants = Math.max(2, Math.min(10, Math.floor(area / 8)));
    if (tenantCount > maxOccupants) maxOccupants = tenantCount;
    const overOccupied = tenantCount >= 2 && r.chance(0.04);
    if (overOccupied) maxOccupants = tenantCount - 1;
    const fireExtinguisher = r.chance(0.9);
    const escapeRoute = r.chance(0.96);
    let hazardLevel = "0";
    let hazardNote: string | null = null;
    if (!fireExtinguisher || !escapeRoute || overOccupied) {
      hazardLevel = r.chance(0.7) ? "1" : "2";
      hazardNote = overOccupied ? "超员居住" : !fireExtinguisher ? "未配备灭火器" : "逃生通道被锁闭";
    } else if (r.chance(0.05)) {
      hazardLevel = r.chance(0.8) ? "1" : "2";
      hazardNote = r.pick(HAZARD_NOTES);
    }
    const rent = Math.min(
      4500,
      Math.max(1500, Math.round((1500 + (area - 20) * 40 + r.normal(0, 300)) / 50) * 50),
    );
    const source = r.chance(0.6) ? "police" : "field";
    const rentalId = this.ids.uuid();
    this.data.rentals.push({
      id: rentalId,
      gridId: room.gridId,
      roomId: room.id,
      landlordName: landlord.name,
      landlordIdNumber: landlord.idNumber,
      landlordPhone: landlord.phone,
      use: r.chance(0.93) ? "1" : "4",
      areaM2: area,
      roomsLet: area < 35 ? 1 : r.int(1, 3),
      monthlyRent: rent,
      leaseStart: isoOf(leaseStartDay),
      leaseEnd: isoOf(leaseEndDay),
      filingNo: filed
        ? `穗租备${community.plan.code.slice(2, 6)}${isoOf(leaseStartDay).slice(0, 4)}${String(++this.filingSeq).padStart(6, "0")}`
        : null,
      maxOccupants,
      actualOccupants: tenantCount,
      fireExtinguisher,
      escapeRoute,
      hazardLevel,
      hazardNote,
      version: 1,
      source,
    });

    // Who rents: one worker, a couple with children, or workmates from the same home town.
    const family = tenantCount >= 2 && r.chance(0.45);
    const homeOrigin = this.migrantOrigin();
    const specs: { sex: Sex; age: number; marital: string; origin: Origin | null }[] = [];
    if (family) {
      const sex: Sex = r.chance(0.85) ? "1" : "2";
      const age = r.normalInt(35, 7, 22, 55);
      specs.push({ sex, age, marital: "20", origin: homeOrigin });
      const partner = spouseAge(r, age, sex, 20);
      specs.push({ sex: otherSex(sex), age: partner, marital: "20", origin: homeOrigin });
      for (let i = 2; i < tenantCount; i++) {
        if (i === 3 && r.chance(0.3)) {
          // A grandparent who came to mind the children.
          specs.push({
            sex: r.chance(0.7) ? "2" : "1",
            age: r.int(58, 72),
            marital: "20",
            origin: homeOrigin,
          });
          continue;
        }
        const sexK: Sex = r.chance(0.52) ? "1" : "2";
        specs.push({
          sex: sexK,
          age: childAge(r, sex === "2" ? age : partner, 17),
          marital: "10",
          origin: homeOrigin,
        });
      }
    } else {
      const sameSex: Sex | null = r.chance(0.7) ? (r.chance(0.6) ? "1" : "2") : null;
      for (let i = 0; i < tenantCount; i++) {
        const age = r.normalInt(31, 9, 18, 62);
        specs.push({
          sex: sameSex ?? (r.chance(0.55) ? "1" : "2"),
          age,
          marital: adultSingleMarital(r, age),
          origin: r.chance(0.6) ? homeOrigin : this.migrantOrigin(),
        });
      }
    }

    this.count(specs);
    for (const spec of specs) {
      const birthDate = this.birthDate(spec.age);
      const birthDay = dayOf(birthDate);
      const birthYear = Number(birthDate.slice(0, 4));
      const origin = spec.origin;
      const idArea = origin ? origin.code : r.weighted(GUANGZHOU_DISTRICTS).code;
      const moveInDay = Math.min(
        REF_DAY - 1,
        r.chance(0.75) ? leaseStartDay + r.int(0, 20) : r.int(leaseStartDay, REF_DAY - 1),
      );
      const adultDay = addYears(birthDay, 16);
      const arrivalDay = Math.max(
        Math.min(adultDay, moveInDay),
        moveInDay - Math.floor(r.exponential(3 * 365)),
      );
      const permit =
        REF_DAY - arrivalDay > 183 && spec.age >= 16 && r.chance(0.65)
          ? `穗居${isoOf(Math.min(REF_DAY, arrivalDay + r.int(183, 400))).slice(0, 4)}${String(++this.permitSeq).padStart(8, "0")}`
          : null;
      const employment =
        spec.age < 18
          ? employmentFor(r, spec.age, spec.sex)
          : spec.age >= 58
            ? r.chance(0.6)
              ? "90"
              : "30"
            : r.weighted([
                ["10", 92],
                ["20", 3],
                ["90", 5],
              ]);
      const ethnicity =
        origin?.minorities && r.chance(origin.minorityShare ?? 0)
          ? r.weighted(origin.minorities)
          : r.chance(0.99)
            ? "01"
            : r.weighted(LOCAL_MINORITIES);
      const pool: NamePool = origin && origin.province !== "广东省" ? "national" : "guangzhou";
      const personId = this.ids.uuid();
      this.data.persons.push({
        id: personId,
        gridId: room.gridId,
        householdId: null,
        roomId: room.id,
        name: personName(r, spec.sex, birthYear, { pool }),
        idType: "1",
        idNumber: this.idNumber(idArea, birthDate, spec.sex),
        sex: spec.sex,
        birthDate,
        ethnicity,
        relation: null,
        marital: spec.age < 18 ? "10" : spec.marital,
        education: migrantEducation(r, spec.age, birthYear),
        politics: politicsFor(r, spec.age),
        hukouCategory: r.weighted([
          ["2", 55],
          ["1", 25],
          ["4", 20],
        ]),
        hukouAddress: origin
          ? `${origin.province}${origin.city}${origin.county}${r.pick(PLACE_STEMS)}${r.pick(["村", "路", "街"])}${r.int(1, 120)}号`
          : this.elsewhereInGuangzhou(),
        currentAddress: room.address,
        residenceMatch: "2",
        personType: "02",
        phone: spec.age >= 16 || r.chance(0.2) ? this.mobile() : null,
        employment,
        disability: r.chance(0.005),
        lowIncome: false,
        unemployed: employment === "20",
        leftBehind: null,
        arrivalDate: isoOf(arrivalDay),
        origin: origin ? `${origin.province}${origin.city || origin.county}` : "广东省广州市",
        residencePermitNo: permit,
        version: 1,
        source: "police",
      });
      this.data.rentalTenants.push({
        id: this.ids.uuid(),
        gridId: room.gridId,
        rentalId,
        personId,
        moveInDate: isoOf(moveInDay),
        version: 1,
        source,
      });
    }
    return specs.length;
  }

  /** Mostly from outside Guangzhou; a few move within the city (null: another Guangzhou district). */
  private migrantOrigin(): Origin | null {
    return this.r.chance(0.95) ? this.r.weighted(MIGRANT_ORIGINS) : null;
  }

  // -- units ------------------------------------------------------------------------------------

  private uscc(kind: "1" | "2"): string {
    const r = this.r;
    for (;;) {
      // Codes issued since 2015 carry an "MA…" organisation code; older firms kept their 8-digit one.
      const body = r.chance(0.75) ? `MA${r.chars(USCC_ALPHABET, 6)}` : r.digits(8);
      const first17 = `${kind === "1" ? "91" : "92"}440104${body}${orgCodeCheckChar(body)}`;
      const code = first17 + usccCheckChar(first17);
      if (!this.usedUscc.has(code)) {
        this.usedUscc.add(code);
        return code;
      }
    }
  }

  private unitName(kind: "1" | "2", type: UnitType, streetName: string): string {
    const r = this.r;
    for (let tries = 0; ; tries++) {
      let brand = r.pick(BRAND_WORDS);
      // Names are unique in a city's register; long runs need a third character.
      if (tries > 3) brand += r.pick(["达", "发", "兴", "盛", "源", "泰", "昌", "隆", "顺", "和"]);
      if (tries > 20) brand += r.digits(2);
      const name =
        kind === "1"
          ? `${r.chance(0.7) ? "广州市" : "广州"}${brand}${type.suffix}`
          : r.weighted([
              [`${streetName}${brand}${type.suffix}`, 35],
              [`${brand}${type.suffix}`, 35],
              [`广州市越秀区${brand}${type.suffix}`, 30],
            ]);
      if (!this.usedUnitNames.has(name)) {
        this.usedUnitNames.add(name);
        return name;
      }
    }
  }

  private unit(room: RoomCtx, buildingId: string, grid: GridCtx, kind: "1" | "2"): void {
    const r = this.r;
    const type = r.weighted(kind === "2" ? SHOP_TYPES : COMPANY_TYPES);
    const rep = personName(r, r.chance(0.6) ? "1" : "2", r.int(1955, 1998), {
      pool: r.chance(0.7) ? "guangzhou" : "national",
    });
    const registeredElsewhere = kind === "1" && r.chance(0.15);
    this.data.units.push({
      id: this.ids.uuid(),
      gridId: grid.id,
      buildingId,
      roomId: room.id,
      name: this.unitName(kind, type, grid.community.street.plan.name),
      uscc: this.uscc(kind),
      legalRep: rep,
      legalRepPhone: this.mobile(),
      industry: type.industry,
      employees: kind === "2" ? r.int(1, 6) : Math.min(120, 2 + Math.floor(r.exponential(10))),
      status: r.weighted([
        ["1", 89],
        ["2", 7],
        ["3", 4],
      ]),
      kind,
      registeredAddress: registeredElsewhere
        ? `${this.elsewhereInGuangzhou()}${r.int(2, 30)}0${r.int(1, 9)}房`
        : room.address,
      actualAddress: room.address,
      phone: r.chance(0.6) ? `020-${r.pick(["8", "3"])}${r.digits(7)}` : this.mobile(),
      safetyContact: r.chance(0.6) ? rep : personName(r, r.chance(0.5) ? "1" : "2", r.int(1965, 2000)),
      version: 1,
      source: "market",
    });
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The whole demo data set as rows ready to insert. Pure: no database, no clock, no Math.random. */
export function generateStreets(options: GenerateOptions = {}): GeneratedData {
  const seed = options.seed ?? DEFAULT_SEED;
  const streets = Math.max(1, Math.floor(options.streets ?? 1));
  const scale = options.scale ?? 1;
  if (!(scale > 0)) throw new RangeError("scale must be a positive number");
  return new Generator(new Random(seed), scale).run(streets);
}

export interface SeedCounts {
  streets: number;
  communities: number;
  grids: number;
  buildings: number;
  rooms: number;
  households: number;
  /** Persons of family households (户别 1) divided by their number. */
  personsPerFamilyHousehold: number;
  persons: number;
  aged60Plus: number;
  units: number;
  rentals: number;
  tenants: number;
}

/** The figures logs and tests look at; ages are counted from birth dates on `today`. */
export function summarize(data: GeneratedData, today: string = REFERENCE_DATE): SeedCounts {
  const level = (l: AreaRow["level"]) => data.areas.filter((a) => a.level === l).length;
  const family = new Set<string>();
  for (const h of data.households) if ((h.kind ?? "1") === "1") family.add(h.id as string);
  let familyPersons = 0;
  let aged60Plus = 0;
  for (const p of data.persons) {
    if (p.householdId && family.has(p.householdId)) familyPersons++;
    if (ageOn(p.birthDate, today) >= 60) aged60Plus++;
  }
  return {
    streets: level("street"),
    communities: level("community"),
    grids: level("grid"),
    buildings: data.buildings.length,
    rooms: data.rooms.length,
    households: data.households.length,
    personsPerFamilyHousehold: family.size > 0 ? Math.round((familyPersons / family.size) * 100) / 100 : 0,
    persons: data.persons.length,
    aged60Plus,
    units: data.units.length,
    rentals: data.rentals.length,
    tenants: data.rentalTenants.length,
  };
}
