import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { areas, loginDevices, sessions, users } from "@/db/schema";
import type { Role } from "@/domain/auth";
import { DECOY_HASH, hashPassword, needsRehash, verifyPassword } from "../auth/password";
import type { Env } from "../env";
import { AppError } from "../errors";
import { throttleAddress } from "../http/peer";
import { writeAudit } from "./audit";
import { admit, clear, forgive, type Limit, sweepExpired } from "./throttle";

export const SESSION_COOKIE = "doorstep_session";

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  areaId: string;
  areaPath: string;
  areaName: string;
  areaLevel: string;
}

export const DEVICE_COOKIE = "doorstep_device";
/** How long a browser stays a known device without logging in again. */
export const DEVICE_MAX_AGE_SECONDS = 365 * 24 * 3600;

/**
 * Login limits (threat model: README, "Security"). Every attempt is counted before the password is
 * checked, on these keys:
 * - the account on this client: the client's address, or the device cookie of a browser that has
 *   logged in to the account before. 5 at once, then waits from 2 s doubling to 15 min. It stops one
 *   client guessing, and only that client waits.
 * - the account from clients it has not logged in from (any address): 10 a day at once, then waits
 *   from 1 s doubling to 15 min. It slows guessing spread over many addresses; the owner on a device
 *   they logged in from before is not counted here and never waits for it.
 * - the client address, whatever the account: 30 at once, then waits from 2 s doubling to 15 min
 *   (room for an office's officers behind one address). Not counted from a known device either.
 */
const MINUTE_MS = 60_000;
const accountOnClient = (client: string): Limit => ({
  key: `login:client:${client}`,
  free: 5,
  windowMs: 15 * MINUTE_MS,
  waitMs: 2000,
  maxWaitMs: 15 * MINUTE_MS,
});
const accountAnywhere = (username: string): Limit => ({
  key: `login:account:${username}`,
  free: 10,
  windowMs: 24 * 60 * MINUTE_MS,
  waitMs: 1000,
  maxWaitMs: 15 * MINUTE_MS,
});
const address = (ip: string): Limit => ({
  key: `login:ip:${ip}`,
  free: 30,
  windowMs: 15 * MINUTE_MS,
  waitMs: 2000,
  maxWaitMs: 15 * MINUTE_MS,
});

// Refresh last_seen_at at most this often, so reading pages does not write on every request.
const TOUCH_INTERVAL_MS = 60_000;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const sessionUserColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  areaId: users.areaId,
  areaPath: areas.path,
  areaName: areas.name,
  areaLevel: areas.level,
  demo: users.demo,
  disabledAt: users.disabledAt,
};

function toSessionUser(row: { demo: boolean; disabledAt: Date | null } & SessionUser): SessionUser {
  const { demo: _demo, disabledAt: _disabled, ...user } = row;
  return user;
}

/**
 * A user as a session of theirs sees them (role, area), found by `where`, disabled or not: for work
 * judged on a user's behalf without their session (a quarantined push accepted), and for scripts.
 */
export async function sessionUserWhere(db: Db, where: SQL): Promise<SessionUser | null> {
  const [row] = await db
    .select(sessionUserColumns)
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(where);
  return row ? toSessionUser(row) : null;
}

/** The user behind a session cookie, or null for a missing, malformed, expired or idle token. */
export async function resolveSession(
  db: Db,
  env: Env,
  token: string | undefined,
  now: Date,
): Promise<{ user: SessionUser; tokenHash: string } | null> {
  if (!token || !TOKEN_PATTERN.test(token)) return null;
  const tokenHash = hashToken(token);
  const idleCutoff = new Date(now.getTime() - env.sessionIdleMinutes * 60_000);
  const [row] = await db
    .select({ ...sessionUserColumns, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(
      and(
        eq(sessions.tokenHash, tokenHash),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, idleCutoff),
      ),
    )
    .limit(1);
  if (!row || row.disabledAt || (row.demo && !env.demo)) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
  }
  const { lastSeenAt: _seen, ...user } = row;
  return { user: toSessionUser(user), tokenHash };
}

export interface LoginInput {
  username: string;
  password: string;
  ip: string;
  userAgent: string | null;
  /** The `doorstep_device` cookie as the browser sent it, if any. */
  deviceToken?: string;
  now: Date;
}

export interface LoginResult {
  user: SessionUser;
  token: string;
  maxAgeSeconds: number;
  /** The device cookie to set: the browser's own if we issued it, else a new one. */
  deviceToken: string;
}

/** Whether this browser's device token was recorded at a successful login of `username`. */
async function knownDevice(db: Db, username: string, tokenHash: string | null): Promise<boolean> {
  if (!tokenHash) return false;
  const [row] = await db
    .select({ userId: loginDevices.userId })
    .from(loginDevices)
    .innerJoin(users, eq(users.id, loginDevices.userId))
    .where(and(eq(loginDevices.tokenHash, tokenHash), eq(users.username, username)))
    .limit(1);
  return Boolean(row);
}

/**
 * Records the browser as a device of the account and returns its token: the one it sent if we issued
 * it (it is recorded for some account), else a fresh one, so a value planted in a browser by someone
 * else never becomes a known device.
 */
async function recordDevice(db: Db, userId: string, sent: string | undefined, now: Date): Promise<string> {
  let token = sent && TOKEN_PATTERN.test(sent) ? sent : null;
  if (token) {
    const [issued] = await db
      .select({ userId: loginDevices.userId })
      .from(loginDevices)
      .where(eq(loginDevices.tokenHash, hashToken(token)))
      .limit(1);
    if (!issued) token = null;
  }
  token ??= randomBytes(32).toString("base64url");
  await db
    .insert(loginDevices)
    .values({ tokenHash: hashToken(token), userId, createdAt: now, lastLoginAt: now })
    .onConflictDoUpdate({
      target: [loginDevices.tokenHash, loginDevices.userId],
      set: { lastLoginAt: now },
    });
  return token;
}

/** Devices not logged in from for a year are strangers again (bounded, like the throttle's sweep). */
async function forgetOldDevices(db: Db, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - DEVICE_MAX_AGE_SECONDS * 1000);
  await db.execute(sql`
    delete from login_devices where (token_hash, user_id) in (
      select token_hash, user_id from login_devices where last_login_at < ${cutoff.toISOString()}::timestamptz
      limit 500 for update skip locked)`);
}

export async function loginUser(db: Db, env: Env, input: LoginInput): Promise<LoginResult> {
  const username = input.username.trim().toLowerCase();
  const ip = throttleAddress(input.ip);
  const deviceHash =
    input.deviceToken && TOKEN_PATTERN.test(input.deviceToken) ? hashToken(input.deviceToken) : null;
  const known = await knownDevice(db, username, deviceHash);
  const onClient = accountOnClient(known ? `${username}:device:${deviceHash}` : `${username}:ip:${ip}`);
  const limits = known ? [onClient] : [onClient, accountAnywhere(username), address(ip)];
  // Counted before the password is checked, so a burst cannot have every attempt checked before the
  // first failure is written; a right password takes its attempt back below.
  const admission = await admit(db, limits, input.now);
  if (!admission.admitted) {
    await writeAudit(db, {
      action: "login_throttled",
      ip: input.ip,
      detail: { username, keys: admission.waiting.map((key) => key.replace(/:device:.*/, ":device")) },
    });
    const seconds = Math.ceil(admission.waitMs / 1000);
    // The owner can get past a slowdown of the account by using a device they logged in from before.
    const accountWide = admission.waiting.includes(accountAnywhere(username).key);
    throw new AppError("TOO_MANY_REQUESTS", accountWide ? "auth.accountSlowed" : "auth.tooManyAttempts", {
      seconds,
    });
  }

  const [row] = await db
    .select({ ...sessionUserColumns, passwordHash: users.passwordHash })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(eq(users.username, username))
    .limit(1);
  // An unknown user costs one full hash too, so timing does not tell which usernames exist.
  const passwordOk = await verifyPassword(input.password, row?.passwordHash ?? DECOY_HASH);
  if (!row || !passwordOk || row.disabledAt) {
    await writeAudit(db, { userId: row?.id, action: "login_failed", ip: input.ip, detail: { username } });
    throw new AppError("UNAUTHORIZED", "auth.invalidCredentials");
  }
  // The password is right: this attempt was no guess. The client starts afresh; the wider keys only
  // take this attempt back (other clients' failures stand).
  await clear(db, onClient.key);
  await forgive(db, limits.slice(1), 1);
  if (row.demo && !env.demo) {
    await writeAudit(db, { userId: row.id, action: "login_refused_demo", ip: input.ip });
    throw new AppError("FORBIDDEN", "auth.demoDisabled");
  }

  // A hash made at an earlier level (scrypt N = 2^15 before) is replaced now, while the password is at
  // hand: the only moment it is. Only if the row still holds that hash, so a password changed meanwhile
  // (an admin's reset) is never overwritten by the old one.
  let rehashed = false;
  if (needsRehash(row.passwordHash)) {
    const updated = await db
      .update(users)
      .set({ passwordHash: await hashPassword(input.password) })
      .where(and(eq(users.id, row.id), eq(users.passwordHash, row.passwordHash)))
      .returning({ id: users.id });
    rehashed = updated.length > 0;
  }

  const deviceToken = await recordDevice(db, row.id, input.deviceToken, input.now);
  const token = randomBytes(32).toString("base64url");
  const maxAgeSeconds = env.sessionMaxHours * 3600;
  await db.insert(sessions).values({
    tokenHash: hashToken(token),
    userId: row.id,
    createdAt: input.now,
    lastSeenAt: input.now,
    expiresAt: new Date(input.now.getTime() + maxAgeSeconds * 1000),
    userAgent: input.userAgent?.slice(0, 300),
    ip: input.ip,
  });
  await writeAudit(db, {
    userId: row.id,
    action: "login",
    ip: input.ip,
    areaPath: row.areaPath,
    detail: rehashed ? { knownDevice: known, rehashed } : { knownDevice: known },
  });
  await sweepExpired(db, input.now);
  await forgetOldDevices(db, input.now);
  const { passwordHash: _hash, ...user } = row;
  return { user: toSessionUser(user), token, maxAgeSeconds, deviceToken };
}

export async function logoutSession(
  db: Db,
  session: { tokenHash: string; user: SessionUser } | null,
  ip: string,
): Promise<void> {
  if (!session) return;
  await db.delete(sessions).where(eq(sessions.tokenHash, session.tokenHash));
  await writeAudit(db, { userId: session.user.id, action: "logout", ip });
}
