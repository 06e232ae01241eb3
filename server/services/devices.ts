import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { areas, devices, quarantinedMutations, users } from "@/db/schema";
import type { DeviceMark } from "@/domain/device";
import type { Mutation, PushResponse, PushResult } from "@/domain/push";
import { AppError, notFound } from "../errors";
import { writeAudit } from "./audit";
import { type SessionUser, sessionUserWhere } from "./auth";
import { type PhotoInput, type StoredPhoto, storePhotoOf } from "./photos";
import { deviceHealthColumns, type PushMeta, pushMutations } from "./push";
import { inScope } from "./scope";

interface Meta {
  now: Date;
  ip: string;
}

/** A device and its officer, if the officer's area is within the caller's: else "not found". */
async function deviceInScope(db: Db, user: SessionUser, deviceId: string) {
  const [device] = await db
    .select({
      id: devices.id,
      userId: devices.userId,
      markedAs: devices.markedAs,
      userAgent: devices.userAgent,
      areaPath: areas.path,
    })
    .from(devices)
    .innerJoin(users, eq(users.id, devices.userId))
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(eq(devices.id, deviceId));
  if (!device || !inScope(user, device.areaPath)) throw notFound();
  return device;
}

/**
 * Marks an officer's phone lost or retired: its wrapping secret is withheld from now on (an online
 * login no longer opens its store), and at its next contact it hands its unsent work to the quarantine
 * and is told to erase its register data. Audited. Marking it again changes nothing.
 *
 * `mark: null` lifts the mark (a phone found in the office drawer, a retired one back in service): the
 * officer's next online login hands the wrapping secret out again, pushes reach the register and pulls
 * are answered. What it handed to the quarantine stays there for the supervisor's decision, and a
 * phone already told to erase has erased: it downloads its grid afresh. The secret is not renewed: it
 * never left the server while withheld, and a store the phone still holds opens again with it.
 */
export async function markDevice(
  db: Db,
  user: SessionUser,
  input: { deviceId: string; mark: DeviceMark | null },
  meta: Meta,
): Promise<{ changed: boolean }> {
  const device = await deviceInScope(db, user, input.deviceId);
  if (device.markedAs === input.mark) return { changed: false };
  return db.transaction(async (tx) => {
    await tx
      .update(devices)
      .set(
        input.mark
          ? {
              markedAs: input.mark,
              markedAt: meta.now,
              markedBy: user.id,
              secretWithheldAt: sql`coalesce(${devices.secretWithheldAt}, ${meta.now})`,
            }
          : // Lifted: as if never marked; a later mark tells it to erase again. The audit keeps the history.
            { markedAs: null, markedAt: null, markedBy: null, secretWithheldAt: null, wipeToldAt: null },
      )
      .where(eq(devices.id, device.id));
    await writeAudit(tx, {
      userId: user.id,
      action: "device.mark",
      entity: "device",
      entityId: device.id,
      areaPath: device.areaPath,
      ip: meta.ip,
      detail: { mark: input.mark, was: device.markedAs, officerId: device.userId },
    });
    return { changed: true };
  });
}

/**
 * A push from the officer's phone. From a device marked lost or retired nothing reaches the register:
 * every mutation is taken into the quarantine (its id is the key, so a replay stores nothing twice)
 * and the phone is told to erase its register data. Otherwise it is an ordinary push.
 */
export async function pushFromDevice(
  db: Db,
  user: SessionUser,
  request: {
    deviceId: string;
    mutations: Mutation[];
    device?: Parameters<typeof pushMutations>[2]["device"];
  },
  meta: PushMeta,
): Promise<PushResponse> {
  const [device] = await db
    .select({ markedAs: devices.markedAs })
    .from(devices)
    .where(and(eq(devices.id, request.deviceId), eq(devices.userId, user.id)));
  if (!device?.markedAs) return pushMutations(db, user, request, meta);
  return quarantineAndTellWipe(db, user, request, meta, device.markedAs);
}

/**
 * The token a phone proves its device with when it has no session (its officer was disabled, so no
 * login will ever give it one): an HMAC of the device's wrapping secret. The server keeps nothing new,
 * and the token opens nothing: it lets the phone hand over its unsent work and be told to erase.
 */
export function contactTokenOf(wrapSecret: string): string {
  return createHmac("sha256", wrapSecret).update("doorstep-device-contact/1").digest("base64url");
}

/**
 * The officer of a device proved by its contact token, when that device is to hand its work over: its
 * officer was disabled, or it is marked. A wrong token, an unknown device or any other device is
 * refused as a call without a session is (401).
 */
async function handingOver(
  db: Db,
  deviceId: string,
  token: string,
): Promise<{ officer: { id: string; areaPath: string }; why: DeviceMark | "officerDisabled" }> {
  // A header says what it likes: anything but a device id is nobody's device.
  if (!z.uuid().safeParse(deviceId).success) throw new AppError("UNAUTHORIZED", "auth.required");
  const [device] = await db
    .select({
      wrapSecret: devices.wrapSecret,
      markedAs: devices.markedAs,
      officerId: users.id,
      disabledAt: users.disabledAt,
      areaPath: areas.path,
    })
    .from(devices)
    .innerJoin(users, eq(users.id, devices.userId))
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(eq(devices.id, deviceId));
  const proved = !!device?.wrapSecret && sameText(contactTokenOf(device.wrapSecret), token);
  if (!proved || !(device.disabledAt || device.markedAs)) throw new AppError("UNAUTHORIZED", "auth.required");
  return {
    officer: { id: device.officerId, areaPath: device.areaPath },
    why: device.markedAs ?? "officerDisabled",
  };
}

/**
 * A phone's contact without a session, proved by its device's contact token. A device of a disabled
 * officer is treated as marked: its unsent work goes to the quarantine and it is told to erase its
 * register data, as a lost phone is at its next push. Any other device is told to log in (401), as a
 * push without a session is; so is a wrong token or an unknown device.
 */
export async function contactFromDevice(
  db: Db,
  request: {
    deviceId: string;
    token: string;
    mutations: Mutation[];
    device?: Parameters<typeof pushMutations>[2]["device"];
  },
  meta: { now: Date; ip: string },
): Promise<PushResponse> {
  const { officer, why } = await handingOver(db, request.deviceId, request.token);
  return quarantineAndTellWipe(db, officer, request, meta, why);
}

/**
 * A photo of the unsent visits such a device hands over (contactFromDevice), stored by its token so
 * that a visit the supervisor accepts from the quarantine keeps its photo: in a grid of the officer's
 * area (their assignments may have ended with them), audited as any stored photo, `handedOver`.
 */
export async function storeHandedOverPhoto(
  db: Db,
  request: { deviceId: string; token: string },
  input: PhotoInput,
  meta: { ip?: string },
): Promise<StoredPhoto> {
  const { officer } = await handingOver(db, request.deviceId, request.token);
  return storePhotoOf(
    db,
    officer,
    input,
    meta,
    async (gridId) => {
      const [grid] = await db
        .select({ path: areas.path })
        .from(areas)
        .where(and(eq(areas.id, gridId), eq(areas.level, "grid")));
      return inScope(officer, grid?.path);
    },
    { handedOver: request.deviceId },
  );
}

/** Constant-time comparison of two texts (a token's bytes say nothing by how long a refusal takes). */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Takes every mutation of a marked device (or a disabled officer's) into the quarantine (its id is the
 * key, so a replay stores nothing twice), records the contact and answers "erase". Audited.
 */
async function quarantineAndTellWipe(
  db: Db,
  officer: { id: string; areaPath: string },
  request: {
    deviceId: string;
    mutations: Mutation[];
    device?: Parameters<typeof pushMutations>[2]["device"];
  },
  meta: { now: Date; ip: string },
  why: DeviceMark | "officerDisabled",
): Promise<PushResponse> {
  return db.transaction(async (tx) => {
    if (request.mutations.length > 0) {
      await tx
        .insert(quarantinedMutations)
        .values(
          request.mutations.map((mutation) => ({
            id: mutation.id,
            deviceId: request.deviceId,
            officerId: officer.id,
            // Scope is the officer's area, as for the device itself: the payload's grid is the
            // phone's word, not yet checked against any assignment.
            areaPath: officer.areaPath,
            kind: mutation.kind,
            payload: mutation.payload,
            receivedAt: meta.now,
          })),
        )
        .onConflictDoNothing({ target: quarantinedMutations.id });
    }
    await tx
      .update(devices)
      .set({
        lastSyncAt: meta.now,
        wipeToldAt: sql`coalesce(${devices.wipeToldAt}, ${meta.now})`,
        ...deviceHealthColumns(request.device),
      })
      .where(eq(devices.id, request.deviceId));
    await writeAudit(tx, {
      userId: officer.id,
      action: "device.wipeTold",
      entity: "device",
      entityId: request.deviceId,
      areaPath: officer.areaPath,
      ip: meta.ip,
      detail: { mark: why, quarantined: request.mutations.length },
    });
    const results: PushResult[] = request.mutations.map((mutation) => ({
      id: mutation.id,
      duplicate: false,
      status: "quarantined",
    }));
    return { results, wipe: true as const };
  });
}

/**
 * Work waiting in the quarantine within the caller's area, newest first. What it says is what a
 * queue needs (who, which phone, which grid, when, the outcome): the register values stay out.
 */
export async function quarantineList(db: Db, user: SessionUser) {
  const grids = sql`(select name from areas g where g.id::text = ${quarantinedMutations.payload} -> 'visit' ->> 'gridId')`;
  const rows = await db
    .select({
      id: quarantinedMutations.id,
      kind: quarantinedMutations.kind,
      receivedAt: quarantinedMutations.receivedAt,
      deviceId: quarantinedMutations.deviceId,
      officerName: users.displayName,
      username: users.username,
      userAgent: devices.userAgent,
      markedAs: devices.markedAs,
      gridName: sql<string | null>`${grids}`,
      outcome: sql<string | null>`${quarantinedMutations.payload} -> 'visit' ->> 'outcome'`,
      visitedAt: sql<string | null>`${quarantinedMutations.payload} -> 'visit' ->> 'visitedAt'`,
      changeCount: sql<number>`coalesce(jsonb_array_length(${quarantinedMutations.payload} -> 'changes'), 0)::int`,
    })
    .from(quarantinedMutations)
    .innerJoin(users, eq(users.id, quarantinedMutations.officerId))
    .leftJoin(devices, eq(devices.id, quarantinedMutations.deviceId))
    .where(
      and(
        eq(quarantinedMutations.state, "held"),
        sql`starts_with(${quarantinedMutations.areaPath}, ${user.areaPath})`,
      ),
    )
    .orderBy(desc(quarantinedMutations.receivedAt))
    .limit(500);
  return rows.map((row) => ({ ...row, changeCount: Number(row.changeCount) }));
}

/**
 * A supervisor's decision on quarantined work, with a reason, audited. Accepted work is judged as if
 * the officer had pushed it from that phone (into review, or refused with the reason a push would
 * get, and then it stays held); discarded work never reaches the register.
 */
export async function decideQuarantine(
  db: Db,
  user: SessionUser,
  input: { id: string; decision: "accept" | "discard"; reason: string },
  meta: PushMeta,
): Promise<{ state: "accepted" | "discarded"; result?: PushResult }> {
  const [held] = await db
    .select({ row: quarantinedMutations, userAgent: devices.userAgent })
    .from(quarantinedMutations)
    .leftJoin(devices, eq(devices.id, quarantinedMutations.deviceId))
    .where(eq(quarantinedMutations.id, input.id));
  if (!held || !inScope(user, held.row.areaPath)) throw notFound();
  if (held.row.state !== "held") throw new AppError("CONFLICT", "quarantine.decided");
  const row = held.row;
  let result: PushResult | undefined;
  if (input.decision === "accept") {
    const officer = await officerOf(db, row.officerId);
    const mutation = { id: row.id, kind: row.kind, payload: row.payload } as Mutation;
    const answer = await pushMutations(
      db,
      officer,
      { deviceId: row.deviceId, mutations: [mutation] },
      { ...meta, userAgent: held.userAgent, fromQuarantine: true },
    );
    result = answer.results[0];
    if (result?.status === "rejected")
      throw new AppError("CONFLICT", "quarantine.refused", { reason: result.message });
  }
  const state = input.decision === "accept" ? "accepted" : "discarded";
  return db.transaction(async (tx) => {
    const decided = await tx
      .update(quarantinedMutations)
      .set({ state, decidedBy: user.id, decidedAt: meta.now, reason: input.reason })
      .where(and(eq(quarantinedMutations.id, row.id), eq(quarantinedMutations.state, "held")))
      .returning({ id: quarantinedMutations.id });
    // Someone else decided meanwhile (an accept replays from the ledger and wrote nothing twice).
    if (decided.length === 0) throw new AppError("CONFLICT", "quarantine.decided");
    await writeAudit(tx, {
      userId: user.id,
      action: `quarantine.${input.decision}`,
      entity: "quarantined_mutation",
      entityId: row.id,
      areaPath: row.areaPath,
      ip: meta.ip,
      detail: { reason: input.reason, deviceId: row.deviceId, officerId: row.officerId, kind: row.kind },
    });
    return { state, ...(result ? { result } : {}) };
  });
}

/** The officer as a push would see them, disabled or not: their work is judged under their own grids. */
async function officerOf(db: Db, userId: string): Promise<SessionUser> {
  const officer = await sessionUserWhere(db, eq(users.id, userId));
  if (!officer) throw notFound();
  return officer;
}
