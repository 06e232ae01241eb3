// Seeds the demo data into the database the app would open (DATABASE_URL → PostgreSQL, otherwise
// PGlite in DOORSTEP_DATA_DIR, default ./data) and prints how long it took.
//
//   tsx --conditions=react-server scripts/seed.ts [--streets N] [--scale X] [--seed S] [--reset]
//
// Stop the app first when using PGlite: it has no file locking, and two processes on one data
// folder are unsafe.

import { openDatabase } from "../db/client";
import { DEFAULT_SEED, isSeeded, seedDemo, truncateAll } from "../db/seed";
import { hashPassword } from "../server/auth/password";
import { readEnv } from "../server/env";

const DEMO_PASSWORD = "doorstep";

interface Args {
  streets: number;
  scale: number;
  seed: number;
  reset: boolean;
}

function usage(message?: string): never {
  if (message) console.error(message);
  console.error("usage: seed [--streets N] [--scale X] [--seed S] [--reset]");
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { streets: 1, scale: 1, seed: DEFAULT_SEED, reset: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      const n = Number(v);
      if (!Number.isFinite(n)) usage(`${flag}: "${v}" is not a number`);
      return n;
    };
    switch (flag) {
      case "--streets":
        args.streets = value();
        if (!Number.isInteger(args.streets) || args.streets < 1)
          usage("--streets must be a whole number ≥ 1");
        break;
      case "--scale":
        args.scale = value();
        if (!(args.scale > 0)) usage("--scale must be greater than 0");
        break;
      case "--seed":
        args.seed = value();
        break;
      case "--reset":
        args.reset = true;
        break;
      case "--help":
      case "-h":
        usage();
        break;
      default:
        usage(`unknown argument ${argv[i]}`);
    }
  }
  return args;
}

const fmt = (n: number) => n.toLocaleString("en");

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const env = readEnv();
  const opened = performance.now();
  const database = env.databaseUrl
    ? await openDatabase({ kind: "postgresql", url: env.databaseUrl })
    : await openDatabase({ kind: "pglite", dataDir: env.dataDir });
  const where = database.kind === "postgresql" ? "PostgreSQL" : `PGlite (${env.dataDir})`;
  console.log(`database: ${where}, open and migrated in ${Math.round(performance.now() - opened)} ms`);

  try {
    if (await isSeeded(database.db)) {
      if (!args.reset) {
        console.error(
          "The database already has areas. Run with --reset to empty every table and seed again.",
        );
        process.exitCode = 1;
        return;
      }
      const t = performance.now();
      await truncateAll(database.db);
      console.log(`reset: all tables emptied in ${Math.round(performance.now() - t)} ms`);
    }

    const passwordHash = await hashPassword(DEMO_PASSWORD);
    console.log(`seeding: seed ${args.seed}, ${args.streets} street(s), scale ${args.scale}`);
    const result = await seedDemo(database.db, {
      seed: args.seed,
      streets: args.streets,
      scale: args.scale,
      passwordHash,
      log: (message) => console.log(message),
    });

    const c = result.counts;
    const officers = result.usernames.length - 2;
    console.log("");
    console.log(`database      ${database.kind}`);
    console.log(`generate      ${(result.generateMs / 1000).toFixed(2)} s`);
    console.log(`insert        ${(result.insertMs / 1000).toFixed(2)} s (one transaction)`);
    console.log(`total         ${(result.elapsedMs / 1000).toFixed(2)} s`);
    console.log(
      `rows          ${fmt(result.rows)} (${fmt(Math.round(result.rows / (result.insertMs / 1000)))} rows/s)`,
    );
    console.log(
      `streets       ${fmt(c.streets)}   communities ${fmt(c.communities)}   grids ${fmt(c.grids)}`,
    );
    console.log(`persons       ${fmt(c.persons)}   aged 60+ ${fmt(c.aged60Plus)}`);
    console.log(
      `households    ${fmt(c.households)}   (${c.personsPerFamilyHousehold} persons per family household)`,
    );
    console.log(`buildings     ${fmt(c.buildings)}   rooms ${fmt(c.rooms)}`);
    console.log(`units         ${fmt(c.units)}   rentals ${fmt(c.rentals)}   tenants ${fmt(c.tenants)}`);
    console.log(
      `accounts      admin, supervisor, officer1 … officer${officers} (password "${DEMO_PASSWORD}")`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
