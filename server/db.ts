import "server-only";
import { type Database, openDatabase } from "@/db/client";
import { isSeeded, seedDemo } from "@/db/seed";
import { hashPassword } from "./auth/password";
import { readEnv } from "./env";
import { ensureOpenCampaignCodes } from "./services/codes";

declare global {
  // Next bundles instrumentation and route handlers separately; one process must still open PGlite once.
  var __doorstepDatabase: Promise<Database> | undefined;
}

/** The process's database: opened, migrated and (for the demo) seeded before any request uses it. */
export function getDatabase(): Promise<Database> {
  if (!globalThis.__doorstepDatabase) {
    globalThis.__doorstepDatabase = startDatabase().catch((error) => {
      globalThis.__doorstepDatabase = undefined;
      throw error;
    });
  }
  return globalThis.__doorstepDatabase;
}

async function startDatabase(): Promise<Database> {
  const env = readEnv();
  const started = performance.now();
  const database = env.databaseUrl
    ? await openDatabase({ kind: "postgresql", url: env.databaseUrl, readUrl: env.databaseReadUrl })
    : await openDatabase({ kind: "pglite", dataDir: env.dataDir });
  const where = env.databaseUrl
    ? `PostgreSQL${env.databaseReadUrl ? " (exports, statistics, map and progress read from DATABASE_READ_URL)" : ""}`
    : `PGlite (${env.dataDir})`;
  console.log(
    `[doorstep] database ${where} open and migrated in ${Math.round(performance.now() - started)} ms`,
  );
  if (env.demo && !(await isSeeded(database.db))) {
    console.log("[doorstep] first start: generating the demo street 光塔街 …");
    const result = await seedDemo(database.db, {
      scale: env.demoScale,
      passwordHash: await hashPassword("doorstep"),
    });
    console.log(
      `[doorstep] demo seeded in ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.counts.persons} persons, ${result.counts.households} households, ${result.counts.grids} grids`,
    );
  }
  const codesStarted = performance.now();
  const codes = await ensureOpenCampaignCodes(database.db);
  if (codes > 0) {
    console.log(
      `[doorstep] ${codes} visit-slip codes made for open campaigns in ${Math.round(performance.now() - codesStarted)} ms`,
    );
  }
  if (env.demo) {
    console.log(
      "[doorstep] demo accounts (password: doorstep): admin, supervisor, officer1 … officerN (one grid each)",
    );
  }
  return database;
}
