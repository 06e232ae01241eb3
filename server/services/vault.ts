import "server-only";
import { randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { devices } from "@/db/schema";
import { AppError } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { contactTokenOf } from "./devices";
import { fieldLockMinutes } from "./settings";

export interface DeviceKey {
  /** base64url of the 32-byte secret that wraps the phone's data key; null while withheld. */
  secret: string | null;
  lockMinutes: number;
  /**
   * What the phone proves its device with when it has no session (a disabled officer's phone, told
   * then to hand over its work and erase: devices.ts contactFromDevice); null before a secret exists.
   */
  contactToken: string | null;
}

/**
 * The wrapping secret of the caller's own device (registering the device at its first login): with it
 * an online login unlocks the phone's store even when the PIN is forgotten or erased. A device id held
 * by another user is refused (a copied or forged store); a withheld secret (a lost or retired device)
 * is not handed out. Every hand-out is audited: it opens a register copy.
 */
export async function deviceKeyOf(
  db: Db,
  user: SessionUser,
  input: { deviceId: string; userAgent?: string | null; ip?: string; defaultLockMinutes: number },
): Promise<DeviceKey> {
  const fresh = randomBytes(32).toString("base64url");
  const result = await db.transaction(async (tx) => {
    // First contact registers the device; a device already known keeps its secret.
    await tx
      .insert(devices)
      .values({ id: input.deviceId, userId: user.id, userAgent: input.userAgent ?? null, wrapSecret: fresh })
      .onConflictDoNothing({ target: devices.id });
    await tx
      .update(devices)
      .set({ wrapSecret: fresh })
      .where(and(eq(devices.id, input.deviceId), eq(devices.userId, user.id), isNull(devices.wrapSecret)));
    const [device] = await tx
      .select({ userId: devices.userId, secret: devices.wrapSecret, withheldAt: devices.secretWithheldAt })
      .from(devices)
      .where(eq(devices.id, input.deviceId));
    if (!device || device.userId !== user.id) throw new AppError("FORBIDDEN", "sync.deviceTaken");
    return {
      secret: device.withheldAt ? null : device.secret,
      withheld: !!device.withheldAt,
      contactToken: device.secret ? contactTokenOf(device.secret) : null,
    };
  });
  await writeAudit(db, {
    userId: user.id,
    action: result.withheld ? "vault.keyWithheld" : "vault.keyIssued",
    entity: "device",
    entityId: input.deviceId,
    ip: input.ip,
  });
  // The administrator's idle lock (settings.ts), else the environment's: the phone keeps it with its key.
  const lockMinutes = await fieldLockMinutes(db, input.defaultLockMinutes);
  return { secret: result.secret, lockMinutes, contactToken: result.contactToken };
}
