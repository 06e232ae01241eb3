import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { areas, sessions, users } from "@/db/schema";
import type { Role } from "@/domain/auth";
import { hashPassword } from "../auth/password";
import { AppError } from "../errors";
import { writeAudit } from "./audit";

export const MIN_PASSWORD_LENGTH = 8;

function checkPassword(password: string) {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError("BAD_REQUEST", "users.passwordTooShort", { min: MIN_PASSWORD_LENGTH });
  }
}

export async function createUser(
  db: Db,
  input: {
    username: string;
    displayName: string;
    role: Role;
    areaCode: string;
    password: string;
    phone?: string;
  },
) {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9_.-]{2,64}$/.test(username)) throw new AppError("BAD_REQUEST", "users.badUsername");
  checkPassword(input.password);
  const [area] = await db.select({ id: areas.id }).from(areas).where(eq(areas.code, input.areaCode));
  if (!area) throw new AppError("NOT_FOUND", "users.unknownArea", { code: input.areaCode });
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  if (existing) throw new AppError("CONFLICT", "users.exists", { username });
  const [user] = await db
    .insert(users)
    .values({
      username,
      displayName: input.displayName,
      role: input.role,
      areaId: area.id,
      phone: input.phone,
      passwordHash: await hashPassword(input.password),
    })
    .returning({ id: users.id, username: users.username });
  await writeAudit(db, { userId: user.id, action: "user_created", entity: "user", entityId: user.id });
  return user;
}

async function findUser(db: Db, username: string) {
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.username, username.trim().toLowerCase()));
  if (!user) throw new AppError("NOT_FOUND", "users.unknown", { username });
  return user;
}

/** A new password ends every open session of the user. */
export async function setPassword(db: Db, username: string, password: string) {
  checkPassword(password);
  const user = await findUser(db, username);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(password) })
      .where(eq(users.id, user.id));
    await tx.delete(sessions).where(eq(sessions.userId, user.id));
    await writeAudit(tx, { userId: user.id, action: "password_changed", entity: "user", entityId: user.id });
  });
}

export async function disableUser(db: Db, username: string) {
  const user = await findUser(db, username);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    await tx.delete(sessions).where(eq(sessions.userId, user.id));
    await writeAudit(tx, { userId: user.id, action: "user_disabled", entity: "user", entityId: user.id });
  });
}
