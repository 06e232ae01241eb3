import "server-only";
import { eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { loginThrottle } from "@/db/schema";

/**
 * Counters that admit or refuse an attempt *before* the work they guard (a password hash, a
 * resident's proof) is done, shared by every instance through `login_throttle`.
 *
 * Each attempt is counted by one INSERT … ON CONFLICT DO UPDATE … WHERE per key: the row lock it
 * takes makes concurrent attempts on one key queue, and the WHERE refuses (returns no row, changes
 * nothing) while the key waits. So a burst of any size admits exactly `free` attempts at once, never
 * all of those that read "not waiting" before the first failure was written. The keys of one attempt
 * are counted in one transaction, in key order (no deadlock between two attempts), and a refusal by any
 * of them rolls the others back: an attempt refused by one limit spends nothing of the others.
 *
 * An attempt is counted as if it will fail; when it turns out good, `forgive` takes it back (or
 * `clear` resets the key).
 */

export interface Limit {
  key: string;
  /** Attempts admitted before the key waits (the `free`-th attempt starts the first wait). */
  free: number;
  /** The count starts again this long after the window's first attempt. */
  windowMs: number;
  /** The wait after the `free`-th attempt; each attempt after it doubles it, up to `maxWaitMs`. */
  waitMs: number;
  maxWaitMs: number;
}

export type Admission =
  | { admitted: true }
  /** Refused: the longest wait, and the keys that wait. */
  | { admitted: false; waitMs: number; waiting: string[] };

class Refused extends Error {}

const interval = (ms: number) => sql`(${ms}::double precision * interval '1 millisecond')`;

/** The wait after the n-th attempt of a window, in SQL (null: no wait). */
function waitAfter(limit: Limit, at: SQL, n: SQL): SQL {
  const doublings = sql`least(30, ${n} - ${limit.free}::int)`;
  return sql`(case when ${n} >= ${limit.free}::int
    then ${at} + least(${interval(limit.maxWaitMs)}, ${interval(limit.waitMs)} * power(2, ${doublings}))
    else null end)`;
}

/** Counts one attempt on one key, or changes nothing and returns false while the key waits. */
async function count(db: Db, limit: Limit, now: Date): Promise<boolean> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const fresh = sql`(t.started_at <= ${at} - ${interval(limit.windowMs)})`;
  const n = sql`(case when ${fresh} then 1 else t.failures + 1 end)`;
  const start = sql`(case when ${fresh} then ${at} else t.started_at end)`;
  const lock = waitAfter(limit, at, n);
  const first = waitAfter(limit, at, sql`1`);
  const result = await db.execute(sql`
    insert into login_throttle as t (key, failures, last_failure_at, locked_until, started_at, expires_at)
    values (${limit.key}, 1, ${at}, ${first}, ${at}, greatest(${first}, ${at} + ${interval(limit.windowMs)}))
    on conflict (key) do update set
      failures = ${n},
      last_failure_at = ${at},
      locked_until = ${lock},
      started_at = ${start},
      expires_at = greatest(${lock}, ${start} + ${interval(limit.windowMs)})
    where t.locked_until is null or t.locked_until <= ${at}
    returning t.failures`);
  return (result as { rows: unknown[] }).rows.length > 0;
}

/**
 * Counts the attempt on every key, or on none: refused (with the longest wait of the keys that wait)
 * when any key is waiting.
 */
export async function admit(db: Db, limits: Limit[], now: Date): Promise<Admission> {
  // Keys nobody uses again (an address seen once) would pile up: now and then, clear some.
  if (Math.random() < SWEEP_CHANCE) await sweepExpired(db, now);
  const ordered = [...limits].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  try {
    if (ordered.length === 1) {
      if (!(await count(db, ordered[0], now))) throw new Refused();
    } else {
      await db.transaction(async (tx) => {
        for (const limit of ordered) {
          if (!(await count(tx as unknown as Db, limit, now))) throw new Refused();
        }
      });
    }
    return { admitted: true };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
  }
  const locks = await db
    .select({ key: loginThrottle.key, lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(
      inArray(
        loginThrottle.key,
        ordered.map((l) => l.key),
      ),
    );
  const waiting = locks.filter((l) => l.lockedUntil && l.lockedUntil > now);
  const waitMs = Math.max(1000, ...waiting.map((l) => (l.lockedUntil as Date).getTime() - now.getTime()));
  return { admitted: false, waitMs, waiting: waiting.map((l) => l.key) };
}

/**
 * Takes back `attempts` (0 or 1) counted attempts, for an attempt that turned out good; a key back under
 * its free attempts stops waiting. With 0 it runs the same statements and changes nothing, so a caller
 * that must take as long on a miss as on a hit can call it either way. One statement per key, each on
 * its own: holding one row at a time, it cannot deadlock with an admission holding the others.
 */
export async function forgive(db: Db, limits: Limit[], attempts: 0 | 1): Promise<void> {
  for (const limit of limits) {
    await db.execute(sql`
      update login_throttle set
        failures = greatest(failures - ${attempts}::int, 0),
        locked_until = case when failures - ${attempts}::int < ${limit.free}::int then null else locked_until end
      where key = ${limit.key}`);
  }
}

/** How often an attempt also clears expired rows (besides every successful login). */
const SWEEP_CHANCE = 1 / 64;

/**
 * Deletes up to `batch` rows that say nothing any more: their window is over and they do not wait.
 * Bounded, so one request never pays for a backlog; the index on expires_at finds them. Rows an
 * attempt holds are skipped (SKIP LOCKED), so the sweep never waits for one nor deadlocks with it.
 */
export async function sweepExpired(db: Db, now: Date, batch = 500): Promise<number> {
  const result = await db.execute(sql`
    delete from login_throttle where key in (
      select key from login_throttle where expires_at < ${now.toISOString()}::timestamptz
      limit ${batch} for update skip locked)
    returning key`);
  return (result as { rows: unknown[] }).rows.length;
}

/** Forgets a key altogether (a login that proved the password from this client). */
export async function clear(db: Db, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
