import path from "node:path";

/** The app's configuration, read once from the environment (README lists every variable). */
export function readEnv(source: NodeJS.ProcessEnv = process.env) {
  const databaseUrl = source.DATABASE_URL?.trim() || undefined;
  const demoFlag = source.DOORSTEP_DEMO?.trim();
  return {
    databaseUrl,
    dataDir: path.resolve(/*turbopackIgnore: true*/ source.DOORSTEP_DATA_DIR?.trim() || "data"),
    // Demo data is on by default only for the embedded database: a real PostgreSQL must opt in.
    demo: demoFlag === undefined || demoFlag === "" ? !databaseUrl : demoFlag === "1" || demoFlag === "true",
    // Smaller demo streets make end-to-end tests quick; 1 is the real size of 光塔街.
    demoScale: Number(source.DOORSTEP_DEMO_SCALE ?? 1),
    sessionIdleMinutes: Number(source.DOORSTEP_SESSION_IDLE_MINUTES ?? 120),
    sessionMaxHours: Number(source.DOORSTEP_SESSION_MAX_HOURS ?? 12),
    trustProxy: source.DOORSTEP_TRUST_PROXY === "1",
  };
}

export type Env = ReturnType<typeof readEnv>;
