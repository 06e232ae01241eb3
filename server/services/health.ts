import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rowsOf } from "@/db/client";
import packageJson from "@/package.json";

export async function getHealth(database: Database) {
  const started = performance.now();
  const [row] = rowsOf<{ version: string }>(await database.db.execute(sql`select version() as version`));
  return {
    status: "ok" as const,
    database: database.kind,
    databaseVersion: row?.version.split(" ").slice(0, 2).join(" "),
    databaseLatencyMs: Math.round((performance.now() - started) * 10) / 10,
    appVersion: packageJson.version,
  };
}
