import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { Client } from "pg";
import { type Database, type Db, type DbKind, openDatabase, rowsOf } from "@/db/client";

/** PGlite always; PostgreSQL too whenever TEST_DATABASE_URL names a server to make databases on. */
export const databaseKinds: DbKind[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgresql"] : ["pglite"];

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** `url` names the fresh PostgreSQL database, for tests that need connections of their own. */
export type TestDatabase = Database & { url: string | null };

/**
 * A fresh, migrated database: PGlite in memory, or a new PostgreSQL database that is dropped on close,
 * so test files never share state.
 */
export async function openTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === "pglite") return { ...(await openDatabase({ kind: "pglite" })), url: null };
  const name = `doorstep_test_${randomBytes(6).toString("hex")}`;
  await admin((client) => client.query(`create database ${name}`));
  const url = new URL(process.env.TEST_DATABASE_URL as string);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: "postgresql", url: url.toString(), poolSize: 4 });
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close();
      await admin(async (client) => {
        // Let the pool's connections finish closing; forcing them while they say goodbye makes the
        // server's "terminating connection" land on a client nobody listens to any more.
        for (let tries = 0; tries < 40; tries++) {
          const { rows } = await client.query(
            "select count(*)::int as n from pg_stat_activity where datname = $1",
            [name],
          );
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}

/**
 * Waits until every transaction that began before now has ended. Pulls read only below the oldest
 * running writer and xids are cluster-wide, so on PostgreSQL another test file's open transaction (a
 * seed, say) holds back what a pull may return: a test that pulls what it just wrote settles first.
 */
export async function settle(db: Db): Promise<void> {
  const [{ xid }] = rowsOf<{ xid: string }>(await db.execute(sql`select pg_current_xact_id()::text as xid`));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [{ xmin }] = rowsOf<{ xmin: string }>(
      await db.execute(sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`),
    );
    if (BigInt(xmin) > BigInt(xid)) return;
    if (Date.now() > deadline) throw new Error(`xmin ${xmin} stayed at or below ${xid}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
