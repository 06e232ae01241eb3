import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "../../db/client";

/**
 * A throwaway database on a PostgreSQL server, for benchmarks and load runs: made under a random
 * name, never the server's own databases, and dropped (with force) however the run ends.
 */
export interface ScratchDatabase {
  name: string;
  /** The connection string of the new database. */
  url: string;
  /** Drops it; once only, safe to call again. */
  drop(): Promise<void>;
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** `serverUrl` names any database on the server (postgres://…/postgres); `prefix` names the run. */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await onServer(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    name,
    url: url.toString(),
    drop: () => {
      dropping ??= onServer(serverUrl, `drop database if exists ${name} with (force)`);
      return dropping;
    },
  };
}

/**
 * The database a bench seeds and measures on: an in-memory PGlite, or with DATABASE_URL a scratch
 * database on that PostgreSQL server (the database it names is never touched). `close` also drops
 * the scratch database.
 */
export async function openBenchDatabase(): Promise<{
  database: Database;
  kind: string;
  close(): Promise<void>;
}> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({ kind: "pglite" });
    return { database, kind: "PGlite (in memory)", close: () => database.close() };
  }
  const scratch = await createScratchDatabase(serverUrl, "doorstep_bench");
  const database = await openDatabase({ kind: "postgresql", url: scratch.url, poolSize: 4 }).catch(
    async (error) => {
      await scratch.drop();
      throw error;
    },
  );
  return {
    database,
    kind: `PostgreSQL (scratch database ${scratch.name})`,
    close: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}
