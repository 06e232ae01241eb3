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
    trustProxyHops: proxyHops(source.DOORSTEP_TRUST_PROXY),
    // The largest register file the admin page takes (the command line has no bound).
    importMaxBytes: Math.max(1, Number(source.DOORSTEP_IMPORT_MAX_MB) || 512) * 1024 * 1024,
  };
}

/**
 * How many reverse proxies stand in front of the app, each appending the address it was reached from
 * to X-Forwarded-For: 0 (the default) believes no forwarded header at all. "true" counts as one.
 * Anything else that is not a small whole number is 0, the setting that cannot be spoofed.
 */
function proxyHops(value: string | undefined): number {
  const text = value?.trim().toLowerCase() ?? "";
  if (text === "true") return 1;
  if (!/^\d{1,2}$/.test(text)) {
    if (text !== "" && text !== "false")
      warnOnce(`DOORSTEP_TRUST_PROXY=${value} is not a number of proxies: using 0`);
    return 0;
  }
  return Number(text);
}

let warned = false;
function warnOnce(message: string) {
  if (warned) return;
  warned = true;
  console.warn(`[doorstep] ${message}`);
}

export type Env = ReturnType<typeof readEnv>;
