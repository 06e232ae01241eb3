import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { Pool } from "pg";
import * as schema from "./schema";

export type Schema = typeof schema;
/** Both drivers' databases (and their transactions) satisfy this, so services never care which runs. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DbKind = "pglite" | "postgresql";

export interface Database {
  db: Db;
  /**
   * Where reads that may lag go (exports, statistics, the completion map, progress): a streaming
   * replica when DATABASE_READ_URL names one, else `db` itself. Nothing that must see its own writes,
   * and no write, uses it.
   */
  readDb: Db;
  kind: DbKind;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

export type OpenOptions =
  | { kind: "postgresql"; url: string; poolSize?: number /** A read replica of `url`. */; readUrl?: string }
  | { kind: "pglite"; dataDir?: string /* omitted: in memory */ };

/** Opens the database and applies every migration before anyone else can use it. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.kind === "postgresql") {
    const pool = new Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle connection the server drops (a restart, a failover) must not take the process with it:
    // the pool replaces it on the next query.
    pool.on("error", (error) => console.error(`[doorstep] database connection lost: ${error.message}`));
    const db = drizzlePg(pool, { schema });
    await migratePg(db, { migrationsFolder: MIGRATIONS_FOLDER });
    if (!options.readUrl)
      return {
        db: db as unknown as Db,
        readDb: db as unknown as Db,
        kind: "postgresql",
        close: () => pool.end(),
      };
    // The replica is not migrated: it replays the primary's migrations, as everything else.
    const readPool = new Pool({ connectionString: options.readUrl, max: options.poolSize ?? 10 });
    readPool.on("error", (error) =>
      console.error(`[doorstep] read replica connection lost: ${error.message}`),
    );
    return {
      db: db as unknown as Db,
      readDb: drizzlePg(readPool, { schema }) as unknown as Db,
      kind: "postgresql",
      close: async () => {
        await Promise.all([pool.end(), readPool.end()]);
      },
    };
  }
  const release = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  try {
    const client = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
    const db = drizzlePglite(client, { schema });
    await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db: db as unknown as Db,
      readDb: db as unknown as Db,
      kind: "pglite",
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // A killed server nobody has reaped yet still answers kill(0); on Linux its state says it is gone.
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** A second process on a PGlite folder, refused: `code` lets the server's start tell it from other failures. */
export class DataDirInUseError extends Error {
  readonly code = "DOORSTEP_DATA_DIR_IN_USE";
  constructor(
    readonly dataDir: string,
    readonly holder: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by process ${holder}. Stop it first: PGlite cannot share a folder between processes.`,
    );
  }
}

/**
 * PGlite has no file locking: two processes on one folder would corrupt it. A pid file beside the
 * folder refuses the second one with a message that says which process holds it. The lock is named
 * after the folder's real path: reached through a symlink (or `..`), the same folder would otherwise
 * get a second lock file, and a second process.
 */
function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = `${fs.realpathSync(dataDir)}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      const release = () => fs.rmSync(lockPath, { force: true });
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(fs.readFileSync(lockPath, "utf8"));
      if (holder && holder !== process.pid && isAlive(holder)) throw new DataDirInUseError(dataDir, holder);
      fs.rmSync(lockPath, { force: true }); // left behind by a process that died
    }
  }
  throw new Error(`Could not lock ${lockPath}`);
}

/** Rows of a raw `db.execute` result, whichever driver answered. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
