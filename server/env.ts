import "server-only";
import path from "node:path";
import { z } from "zod";
import { clampLockMinutes } from "@/domain/vault";

// The server's configuration (README lists every variable). It is parsed once, at start-up, and a value
// that cannot be meant (a session length of "2h", a demo flag of "ture") stops the start with the
// variable's name: read with Number() it would become NaN or 0 and fail much later, far from its cause.

/** Thrown when the environment cannot be used; the message names every variable at fault. */
export class EnvError extends Error {
  override name = "EnvError";
}

/** Unset and blank mean the same: a default. */
const blankToUndefined = (value: string | undefined) => {
  const trimmed = value?.trim();
  return trimmed === "" ? undefined : trimmed;
};

const optionalText = z.string().optional().transform(blankToUndefined);

// Plain decimals only: Number() would also take "0x10", "1e3" and "Infinity", none of them meant here.
const positiveNumber = (fallback: number) =>
  optionalText.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (!(n > 0)) {
      ctx.addIssue({ code: "custom", message: `expected a number above 0, got "${value}"` });
      return z.NEVER;
    }
    return n;
  });

const flag = optionalText.transform((value, ctx) => {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === "1" || lower === "true") return true;
  if (lower === "0" || lower === "false") return false;
  ctx.addIssue({ code: "custom", message: `expected 1 or 0 (true or false), got "${value}"` });
  return z.NEVER;
});

const envSchema = z.object({
  DATABASE_URL: optionalText,
  // A streaming replica of DATABASE_URL for reads that may lag (exports, statistics, map, progress).
  DATABASE_READ_URL: optionalText,
  DOORSTEP_DATA_DIR: optionalText,
  DOORSTEP_DEMO: flag,
  // Smaller demo streets make end-to-end tests quick; 1 is the real size of 光塔街.
  DOORSTEP_DEMO_SCALE: positiveNumber(1),
  DOORSTEP_SESSION_IDLE_MINUTES: positiveNumber(120),
  DOORSTEP_SESSION_MAX_HOURS: positiveNumber(12),
  // How many reverse proxies stand in front of the app, each appending the address it was reached
  // from to X-Forwarded-For: 0 (unset) believes no forwarded header at all; "true" counts as one.
  DOORSTEP_TRUST_PROXY: optionalText.transform((value, ctx) => {
    const text = value?.toLowerCase();
    if (text === undefined || text === "false") return 0;
    if (text === "true") return 1;
    if (!/^\d{1,2}$/.test(text)) {
      ctx.addIssue({ code: "custom", message: `expected a number of proxies (0–99), got "${value}"` });
      return z.NEVER;
    }
    return Number(text);
  }),
  // The largest register file the admin page takes, in MB (the command line has no bound).
  DOORSTEP_IMPORT_MAX_MB: positiveNumber(512),
  // Idle minutes after which an officer's phone locks its store (the PIN or an online login opens it).
  DOORSTEP_FIELD_LOCK_MINUTES: positiveNumber(15),
});

/** The configuration in `source`; throws an EnvError naming each variable that has a bad value. */
export function parseEnv(source: Record<string, string | undefined>) {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${String(issue.path[0])}: ${issue.message}`);
    throw new EnvError(`The environment has values Doorstep cannot use:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    // Only beside a primary: the embedded database has no replica.
    databaseReadUrl: e.DATABASE_URL ? e.DATABASE_READ_URL : undefined,
    dataDir: path.resolve(/*turbopackIgnore: true*/ e.DOORSTEP_DATA_DIR ?? "data"),
    // Demo data is on by default only for the embedded database: a real PostgreSQL must opt in.
    demo: e.DOORSTEP_DEMO ?? !e.DATABASE_URL,
    demoScale: e.DOORSTEP_DEMO_SCALE,
    sessionIdleMinutes: e.DOORSTEP_SESSION_IDLE_MINUTES,
    sessionMaxHours: e.DOORSTEP_SESSION_MAX_HOURS,
    trustProxyHops: e.DOORSTEP_TRUST_PROXY,
    importMaxBytes: Math.ceil(e.DOORSTEP_IMPORT_MAX_MB * 1024 * 1024),
    fieldLockMinutes: clampLockMinutes(e.DOORSTEP_FIELD_LOCK_MINUTES),
  };
}

export type Env = ReturnType<typeof parseEnv>;

let cached: Env | undefined;

/**
 * The process's configuration, parsed from process.env on the first call and kept: every request and
 * script sees the same values, and a bad one fails the first call (the database's opening, at start-up).
 */
export function readEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/**
 * Forgets the parsed configuration, so the next `readEnv` reads process.env again. For tests that
 * start the real app under another setting (a proxy in front, a smaller upload bound); the app
 * itself never changes its environment after start.
 */
export function rereadEnv(): void {
  cached = undefined;
}
