import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { areas, settings, users } from "@/db/schema";
import { clampLockMinutes } from "@/domain/vault";
import { AppError } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";

/**
 * Settings an administrator changes while the app runs; the environment's figure is each one's default
 * (server/env.ts). Only an administrator of the whole jurisdiction (an area without a parent) may change
 * them: they apply to every phone, not to one area's.
 */

/** The key of the phones' idle lock, in minutes (domain/vault.ts bounds it). */
const FIELD_LOCK_MINUTES = "fieldLockMinutes";

/** The idle minutes after which an officer's phone locks: the administrator's figure, else `fallback`. */
export async function fieldLockMinutes(db: Db, fallback: number): Promise<number> {
  const [row] = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, FIELD_LOCK_MINUTES));
  return row ? clampLockMinutes(row.value) : fallback;
}

async function isTopAdministrator(db: Db, user: SessionUser): Promise<boolean> {
  if (user.role !== "admin") return false;
  const [area] = await db.select({ parentId: areas.parentId }).from(areas).where(eq(areas.id, user.areaId));
  return !!area && area.parentId === null;
}

/** The idle lock as the devices screen shows it: the figure, the default, who set it last, and whether the caller may. */
export async function lockSetting(db: Db, user: SessionUser, fallback: number) {
  const [row] = await db
    .select({ value: settings.value, updatedAt: settings.updatedAt, updatedBy: users.displayName })
    .from(settings)
    .leftJoin(users, eq(users.id, settings.updatedBy))
    .where(eq(settings.key, FIELD_LOCK_MINUTES));
  return {
    minutes: row ? clampLockMinutes(row.value) : fallback,
    defaultMinutes: fallback,
    updatedAt: row?.updatedAt ?? null,
    updatedBy: row?.updatedBy ?? null,
    canChange: await isTopAdministrator(db, user),
  };
}

/**
 * Sets the phones' idle lock (a whole number of minutes within domain/vault.ts's bounds, checked by the
 * procedure's input). Phones take it at their next online unlock. Audited with the figure before.
 */
export async function setLockMinutes(
  db: Db,
  user: SessionUser,
  minutes: number,
  meta: { ip?: string; fallback: number },
): Promise<{ minutes: number }> {
  if (!(await isTopAdministrator(db, user))) throw new AppError("FORBIDDEN", "auth.forbidden");
  return db.transaction(async (tx) => {
    const before = await fieldLockMinutes(tx as unknown as Db, meta.fallback);
    await tx
      .insert(settings)
      .values({ key: FIELD_LOCK_MINUTES, value: minutes, updatedBy: user.id })
      .onConflictDoUpdate({
        target: settings.key,
        set: { value: sql`excluded.value`, updatedAt: sql`now()`, updatedBy: user.id },
      });
    await writeAudit(tx as unknown as Db, {
      userId: user.id,
      action: "settings.fieldLockMinutes",
      entity: "setting",
      entityId: FIELD_LOCK_MINUTES,
      areaPath: user.areaPath,
      ip: meta.ip,
      detail: { from: before, to: minutes },
    });
    return { minutes };
  });
}
