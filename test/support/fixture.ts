import { TRPCError } from "@trpc/server";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { areas, buildings, households, persons, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { hashPassword } from "@/server/auth/password";
import { createContextFor } from "@/server/context";
import { type Env, readEnv } from "@/server/env";
import { AppError } from "@/server/errors";
import { readCookie } from "@/server/http/cookies";
import { PEER_HEADER, peerStamp } from "@/server/http/peer";
import { createCaller } from "@/server/routers";
import { SESSION_COOKIE, type SessionUser, sessionUserWhere } from "@/server/services/auth";

export const DEMO_PASSWORD = "doorstep";

/** A small demo street (every community, about 1,200 persons) with the demo accounts. */
export async function seedSmallStreet(database: Database) {
  return seedDemo(database.db, { scale: 0.03, passwordHash: await hashPassword(DEMO_PASSWORD) });
}

export interface CallOptions {
  cookie?: string;
  ip?: string;
  headers?: Record<string, string>;
  /** Configuration to change for this call (the process's is read once, so tests say it here). */
  env?: Partial<Env>;
}

/** A caller that goes through the real context: cookie parsing, session lookup, locale. */
export async function callerFor(database: Database, options: CallOptions = {}) {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("cookie", options.cookie);
  headers.set(PEER_HEADER, peerStamp(options.ip ?? "203.0.113.7"));
  const resHeaders = new Headers();
  const env = { ...readEnv(), ...options.env };
  const ctx = await createContextFor(database, headers, resHeaders, new Date(), env);
  return { caller: createCaller(ctx), resHeaders };
}

/**
 * Headers that make a request come from `address`, as the HTTP server stamps the socket's address
 * (server/http/peer.ts): tests hand requests straight to the handlers, with no socket.
 */
/** An administrator of one area (a community's, a city's…) with the demo password: scope tests. */
export async function addAdmin(
  database: Database,
  username: string,
  areaId: string,
  displayName = "社区管理员",
) {
  await database.db.insert(users).values({
    username,
    displayName,
    passwordHash: await hashPassword(DEMO_PASSWORD),
    role: "admin",
    areaId,
  });
}

/** A demo account's session as the server builds it, for calling a service directly. */
export async function sessionOf(database: Database, username: string): Promise<SessionUser> {
  const user = await sessionUserWhere(database.db, eq(users.username, username));
  if (!user) throw new Error(`no user ${username}`);
  return user;
}

/**
 * An officer's two campaigns at the same doors: every door of an area, and its persons aged 60 or more
 * on 2026-12-31, both assigned in the officer's own grid.
 */
export async function everyDoorAndElderly(
  database: Database,
  areaId: string,
  username: string,
  names = { everyDoor: "入户核查", elderly: "老人健康档案" },
) {
  const admin = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
  const [officer] = await database.db
    .select({ id: users.id, gridId: users.areaId })
    .from(users)
    .where(eq(users.username, username));
  const everyDoor = await admin.campaign.create({
    name: names.everyDoor,
    startsOn: "2026-12-01",
    areaIds: [areaId],
  });
  const elderly = await admin.campaign.create({
    name: names.elderly,
    startsOn: "2026-12-01",
    areaIds: [areaId],
    target: { kind: "query", query: { subject: "person", ageMin: 60, ageAt: "2026-12-31" } },
  });
  for (const campaignId of [everyDoor.id, elderly.id])
    await admin.campaign.assign({ campaignId, gridId: officer.gridId, officerId: officer.id });
  return { admin, officer, everyDoor, elderly };
}

export function fromAddress(address: string): Record<string, string> {
  return { [PEER_HEADER]: peerStamp(address) };
}

export async function loginAs(
  database: Database,
  username: string,
  password = DEMO_PASSWORD,
): Promise<string> {
  const { caller, resHeaders } = await callerFor(database);
  await caller.auth.login({ username, password });
  const token = readCookie(resHeaders.get("set-cookie")?.split(";")[0], SESSION_COOKIE);
  if (!token) throw new Error("login set no session cookie");
  return `${SESSION_COOKIE}=${token}`;
}

/** One building, household and person inside the grid of an officer, for scope tests. */
export async function objectsOfOfficer(database: Database, username: string) {
  const { db } = database;
  const [user] = await db
    .select({ gridId: users.areaId, gridPath: areas.path })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(eq(users.username, username));
  const [building] = await db
    .select({ id: buildings.id })
    .from(buildings)
    .where(eq(buildings.gridId, user.gridId))
    .limit(1);
  const [household] = await db
    .select({ id: households.id, roomId: households.roomId })
    .from(households)
    .where(eq(households.gridId, user.gridId))
    .limit(1);
  const [person] = await db
    .select({ id: persons.id })
    .from(persons)
    .where(and(eq(persons.gridId, user.gridId), isNotNull(persons.householdId)))
    .limit(1);
  const [grid] = await db
    .select({ id: areas.id, parentId: areas.parentId })
    .from(areas)
    .where(eq(areas.id, user.gridId));
  return {
    gridId: grid.id,
    communityId: grid.parentId as string,
    buildingId: building.id,
    householdId: household.id,
    roomId: household.roomId,
    personId: person.id,
  };
}

/** "OK", or the tRPC code (or a service's AppError kind) a call was refused with: refusal tables read as plain data. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    if (error instanceof AppError) return error.kind;
    throw error;
  }
}
