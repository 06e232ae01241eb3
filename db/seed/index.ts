// Puts the generated demo register into a database, with a campaign and demo accounts to log in
// with. All in one transaction: a seed that is interrupted (killed server, full disk) leaves an empty
// database that the next start seeds again, never half a street that `isSeeded` would take as done.

import { getTableColumns, getTableName, is, sql } from "drizzle-orm";
import { type PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Role } from "../../domain/auth";
import { parseDefinition, textIn, type Workbook } from "../../domain/questionnaire";
import type { Db } from "../client";
import * as schema from "../schema";
import { areas, assignments, campaignAreas, campaigns, questionnaires, users } from "../schema";
import { DEFAULT_SEED, type GeneratedData, generateStreets, type SeedCounts, summarize } from "./generate";
import { personName } from "./names";
import { elderlyHealth } from "./questionnaires/elderly-health";
import { unemployedInterview } from "./questionnaires/unemployed";
import { Random } from "./random";

export {
  DEFAULT_SEED,
  type GeneratedData,
  type GenerateOptions,
  generateStreets,
  REFERENCE_DATE,
  type SeedCounts,
  summarize,
} from "./generate";

export const DEMO_CAMPAIGN = {
  name: "2026年第四季度入户核查",
  startsOn: "2026-11-01",
  endsOn: "2026-12-31",
} as const;

/**
 * Two more open campaigns over one community, each asking one of the repository's questionnaires
 * (questionnaires/*.xlsx, written from these rows by scripts/questionnaires.ts) as its version 1.
 * They start before DEMO_CAMPAIGN, so a phone and a pull without a campaign still take that one
 * first; the community's officers hold their grids in all three and choose on the phone.
 */
export const DEMO_QUESTIONNAIRE_CAMPAIGNS: readonly {
  name: string;
  startsOn: string;
  endsOn: string;
  file: string;
  workbook: Workbook;
}[] = [
  {
    name: "2026年老年人健康档案（祝寿巷）",
    startsOn: "2026-10-08",
    endsOn: "2026-12-31",
    file: "老年人健康档案.xlsx",
    workbook: elderlyHealth,
  },
  {
    name: "2026年失业人员就业情况走访（祝寿巷）",
    startsOn: "2026-10-01",
    endsOn: "2026-12-31",
    file: "失业人员就业情况.xlsx",
    workbook: unemployedInterview,
  },
];

/** The community of 光塔街 the questionnaire campaigns cover: 祝寿巷社区. */
export const DEMO_QUESTIONNAIRE_COMMUNITY = "440104007125";

export interface SeedOptions {
  seed?: number;
  streets?: number;
  scale?: number;
  /** Hash of the demo password, made once by the caller (hashing is slow on purpose). */
  passwordHash: string;
  log?: (message: string) => void;
}

export interface SeedResult {
  counts: SeedCounts;
  /** admin, supervisor, officer1 … officerN */
  usernames: string[];
  campaignId: string;
  /** DEMO_QUESTIONNAIRE_CAMPAIGNS' ids, in that order. */
  questionnaireCampaignIds: string[];
  /** Rows written, all tables together. */
  rows: number;
  generateMs: number;
  insertMs: number;
  elapsedMs: number;
}

/** The demo accounts a seed with `grids` grids creates: one officer per grid. */
export function demoUsernames(grids: number): string[] {
  return ["admin", "supervisor", ...Array.from({ length: grids }, (_, i) => `officer${i + 1}`)];
}

/** PostgreSQL's protocol counts bind parameters in 16 bits: no statement may carry more. */
const MAX_BIND_PARAMETERS = 65_535;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Multi-row INSERTs of as many rows as fit under the bind-parameter limit. The statement text is
 * built here rather than by Drizzle's query builder, which spends a few microseconds on every bound
 * value: about 4 s of the full street's 1.2 million. Values still pass through each column's
 * mapToDriverValue and run through the session's own prepared-query path, exactly as
 * `insert().values()` would send them; an unset value becomes DEFAULT, as there.
 */
async function insertChunked(
  tx: Db,
  table: PgTable,
  rows: readonly Record<string, unknown>[],
  log?: (message: string) => void,
): Promise<void> {
  if (rows.length === 0) return;
  const started = performance.now();
  const columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>);
  // Only columns some row sets (or that Drizzle fills with $defaultFn): the others keep their
  // database defaults without costing parameters.
  const used = columns.filter(([key, c]) => c.defaultFn || rows.some((row) => row[key] !== undefined));
  const head = `insert into ${quoteIdent(getTableName(table))} (${used.map(([, c]) => quoteIdent(c.name)).join(", ")}) values `;
  const chunk = Math.max(1, Math.floor(MAX_BIND_PARAMETERS / used.length));
  for (let i = 0; i < rows.length; i += chunk) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of rows.slice(i, i + chunk)) {
      const placeholders: string[] = [];
      for (const [key, column] of used) {
        let value = row[key];
        if (value === undefined && column.defaultFn) value = column.defaultFn();
        if (value === undefined) {
          placeholders.push("default");
          continue;
        }
        params.push(value === null ? null : column.mapToDriverValue(value));
        placeholders.push(`$${params.length}`);
      }
      tuples.push(`(${placeholders.join(", ")})`);
    }
    try {
      await tx._.session
        .prepareQuery({ sql: head + tuples.join(", "), params }, undefined, undefined, false)
        .execute();
    } catch (error) {
      // Drizzle's error quotes the statement and all its parameters (megabytes here): keep the cause.
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new Error(
        `seed: inserting ${getTableName(table)} (rows ${i + 1}–${i + tuples.length}) failed: ${reason}`,
        {
          cause,
        },
      );
    }
  }
  const ms = performance.now() - started;
  log?.(
    `  ${getTableName(table).padEnd(15)} ${rows.length.toLocaleString("en").padStart(9)} rows  ${(ms / 1000).toFixed(1)} s`,
  );
}

/** Every table in the schema, for `truncateAll`. */
function allTables(): PgTable[] {
  const tables: PgTable[] = [];
  for (const value of Object.values(schema) as unknown[]) if (is(value, PgTable)) tables.push(value);
  return tables;
}

/** Empties every application table (not the migrations journal) in one statement, so foreign keys never block it. */
export async function truncateAll(db: Db): Promise<void> {
  const names = allTables()
    .map((t) => `"${getTableName(t)}"`)
    .join(", ");
  await db.execute(sql.raw(`TRUNCATE TABLE ${names} RESTART IDENTITY CASCADE`));
}

/** True once any area exists: the app then never seeds over real or earlier data. */
export async function isSeeded(db: Db): Promise<boolean> {
  const rows = await db.select({ id: areas.id }).from(areas).limit(1);
  return rows.length > 0;
}

/** Generates the demo street(s) and writes them with a campaign and demo users, in one transaction. */
export async function seedDemo(db: Db, options: SeedOptions): Promise<SeedResult> {
  const log = options.log;
  const seed = options.seed ?? DEFAULT_SEED;
  const started = performance.now();
  const data = generateStreets({ seed, streets: options.streets, scale: options.scale });
  const counts = summarize(data);
  const generateMs = performance.now() - started;
  log?.(
    `generated ${counts.persons.toLocaleString("en")} persons in ${counts.grids} grids in ${(generateMs / 1000).toFixed(1)} s`,
  );

  const accounts = demoAccounts(data, seed, options.passwordHash);
  const insertStarted = performance.now();
  await db.transaction(async (tx) => {
    // The transaction handle has the database's API; the cast keeps one signature for both drivers.
    const w = tx as unknown as Db;
    // Parents before children: the order of GeneratedData's fields.
    await insertChunked(w, areas, data.areas, log);
    await insertChunked(w, schema.buildings, data.buildings, log);
    await insertChunked(w, schema.rooms, data.rooms, log);
    await insertChunked(w, schema.households, data.households, log);
    await insertChunked(w, schema.persons, data.persons, log);
    await insertChunked(w, schema.units, data.units, log);
    await insertChunked(w, schema.rentals, data.rentals, log);
    await insertChunked(w, schema.rentalTenants, data.rentalTenants, log);
    await insertChunked(w, users, accounts.users, log);
    await insertChunked(w, campaigns, [accounts.campaign, ...accounts.questionnaireCampaigns], log);
    await insertChunked(w, campaignAreas, accounts.campaignAreas, log);
    await insertChunked(w, assignments, accounts.assignments, log);
    await insertChunked(w, questionnaires, accounts.questionnaires, log);
  });
  const insertMs = performance.now() - insertStarted;

  const rows =
    (Object.values(data) as unknown[][]).reduce((sum, list) => sum + list.length, 0) +
    accounts.users.length +
    1 +
    accounts.questionnaireCampaigns.length +
    accounts.campaignAreas.length +
    accounts.assignments.length +
    accounts.questionnaires.length;
  return {
    counts,
    usernames: accounts.users.map((u) => u.username),
    campaignId: accounts.campaign.id as string,
    questionnaireCampaignIds: accounts.questionnaireCampaigns.map((c) => c.id),
    rows,
    generateMs,
    insertMs,
    elapsedMs: performance.now() - started,
  };
}

/**
 * The campaign over the seeded street(s) and the demo accounts: admin over the city, supervisor
 * over 光塔街, and one officer per grid in grid-code order, each assigned to that grid.
 */
function demoAccounts(data: GeneratedData, seed: number, passwordHash: string) {
  const r = new Random(seed).fork("demo-accounts");
  const city = data.areas.find((a) => a.level === "city");
  const streets = data.areas.filter((a) => a.level === "street");
  const guangta = streets.find((a) => a.code === "440104007") ?? streets[0];
  if (!city || !guangta) throw new Error("generated data has no city or street");
  const grids = data.areas.filter((a) => a.level === "grid").sort((a, b) => (a.code < b.code ? -1 : 1));

  const user = (username: string, displayName: string, role: Role, areaId: string) => ({
    id: r.uuid(),
    username,
    displayName,
    passwordHash,
    role,
    areaId,
    phone: `139${r.digits(8)}`,
    demo: true,
  });
  const taken = new Set<string>();
  const uniqueName = () => {
    for (;;) {
      const name = personName(r, r.chance(0.55) ? "1" : "2", r.int(1972, 2000));
      if (!taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
  };

  const admin = user("admin", "系统管理员", "admin", city.id as string);
  const supervisor = user("supervisor", uniqueName(), "supervisor", guangta.id as string);
  const officers = grids.map((g, i) => user(`officer${i + 1}`, uniqueName(), "officer", g.id as string));
  const campaign = {
    id: r.uuid(),
    name: DEMO_CAMPAIGN.name,
    status: "open" as const,
    startsOn: DEMO_CAMPAIGN.startsOn,
    endsOn: DEMO_CAMPAIGN.endsOn,
    createdBy: admin.id,
  };

  // The questionnaire campaigns, over one community (or the street's last, on other data).
  const communities = data.areas
    .filter((a) => a.level === "community" && a.parentId === guangta.id)
    .sort((a, b) => (a.code < b.code ? -1 : 1));
  const community =
    communities.find((a) => a.code === DEMO_QUESTIONNAIRE_COMMUNITY) ?? communities[communities.length - 1];
  const theirs = community
    ? officers.filter((o) => grids.find((g) => g.id === o.areaId)?.parentId === community.id)
    : [];
  const questionnaireCampaigns = community
    ? DEMO_QUESTIONNAIRE_CAMPAIGNS.map((c) => ({
        id: r.uuid(),
        name: c.name,
        status: "open" as const,
        startsOn: c.startsOn,
        endsOn: c.endsOn,
        createdBy: admin.id,
      }))
    : [];
  const questionnaireRows = questionnaireCampaigns.map((c, i) => {
    const source = DEMO_QUESTIONNAIRE_CAMPAIGNS[i];
    const parsed = parseDefinition(source.workbook);
    if (!parsed.ok)
      throw new Error(`demo questionnaire ${source.file}: ${JSON.stringify(parsed.problems[0])}`);
    const { settings } = parsed.definition;
    return {
      campaignId: c.id,
      version: 1,
      title: textIn(settings.title, settings.defaultLanguage) || settings.formId,
      definition: parsed.definition,
      sourceFile: source.file,
      createdBy: admin.id,
    };
  });
  return {
    users: [admin, supervisor, ...officers],
    campaign,
    questionnaireCampaigns,
    questionnaires: questionnaireRows,
    campaignAreas: [
      ...streets.map((s) => ({ campaignId: campaign.id, areaId: s.id as string })),
      ...questionnaireCampaigns.map((c) => ({ campaignId: c.id, areaId: community?.id as string })),
    ],
    assignments: [
      ...officers.map((o) => ({
        id: r.uuid(),
        campaignId: campaign.id,
        gridId: o.areaId,
        officerId: o.id,
      })),
      ...questionnaireCampaigns.flatMap((c) =>
        theirs.map((o) => ({ id: r.uuid(), campaignId: c.id, gridId: o.areaId, officerId: o.id })),
      ),
    ],
  };
}
