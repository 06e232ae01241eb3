import "server-only";
import { randomInt } from "node:crypto";
import { and, eq, type SQL, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import type { Db } from "@/db/client";
import { areas, sessions, users } from "@/db/schema";
import type { Role } from "@/domain/auth";
import type { MessageKey, MessageParams, Translate } from "@/domain/i18n";
import { maskPhone } from "@/domain/mask";
import {
  type AreaChoice,
  DISPLAY_NAME_MAX,
  grantableRoles,
  normaliseUsername,
  parseRole,
  USER_COLUMNS,
  USERNAME_PATTERN,
  USERS_BULK_MAX_BYTES,
  USERS_BULK_MAX_ROWS,
  type UserBulkCreated,
  type UserBulkInput,
  type UserBulkProblem,
  type UserBulkReport,
  type UserColumn,
  type UserCreateInput,
  type UserListInput,
  type UserRow,
  type UserUpdateInput,
} from "@/domain/users";
import { parseMobile } from "@/domain/validators/mobile";
import { hashPassword } from "../auth/password";
import { AppError, notFound } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { cellText } from "./import";
import { inScope } from "./scope";

/**
 * User accounts. The command line (scripts/user.ts: createUser, setPassword, disableUser) acts with the
 * machine's authority; the user screen (/supervise/users, the `user` router) acts for a signed-in
 * manager and is cut to what they may manage:
 *
 * - an administrator manages every account whose area lies in theirs, and may give any role;
 * - a supervisor manages the officers whose area lies in theirs, and may give the officer role only;
 * - no one gives an area outside their own, or a role above their own, or changes their own account here
 *   (a slip would lock them out, and one's own rights are not one's own to widen);
 * - anything outside that answers NOT_FOUND, like a missing id.
 *
 * A new account, a bulk-created one and a reset password get a random temporary password, returned once
 * to be handed over and never stored or audited in clear. Every change is audited with the manager as
 * its author; a disable or reset ends the account's sessions at once. Role and area are read with the
 * session on every request (auth.ts), so a change takes effect at the next request without one.
 */

export const MIN_PASSWORD_LENGTH = 8;

export interface Meta {
  now: Date;
  ip?: string;
}

function checkPassword(password: string) {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError("BAD_REQUEST", "users.passwordTooShort", { min: MIN_PASSWORD_LENGTH });
  }
}

/** The database's error code, through drizzle's wrapping (23505: a unique index refused the row). */
function pgCode(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

// No 0/o, 1/l/i: read aloud over a phone or copied from a screen without doubt.
const TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** 12 characters in three groups (about 59 bits): xxxx-xxxx-xxxx. */
export function temporaryPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 3; g++) {
    let group = "";
    for (let i = 0; i < 4; i++) group += TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join("-");
}

async function insertUser(
  db: Db,
  values: {
    username: string;
    displayName: string;
    role: Role;
    areaId: string;
    phone?: string | null;
    passwordHash: string;
  },
) {
  try {
    const [user] = await db
      .insert(users)
      .values({ ...values, phone: values.phone ?? null })
      .returning({ id: users.id, username: users.username });
    return user;
  } catch (error) {
    // Someone took the name between our look and the insert.
    if (pgCode(error) === "23505") {
      throw new AppError("CONFLICT", "users.exists", { username: values.username });
    }
    throw error;
  }
}

// ── the command line ─────────────────────────────────────────────────────────────────────────────

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
  const username = normaliseUsername(input.username);
  if (!USERNAME_PATTERN.test(username)) throw new AppError("BAD_REQUEST", "users.badUsername");
  checkPassword(input.password);
  const [area] = await db.select({ id: areas.id }).from(areas).where(eq(areas.code, input.areaCode));
  if (!area) throw new AppError("NOT_FOUND", "users.unknownArea", { code: input.areaCode });
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  if (existing) throw new AppError("CONFLICT", "users.exists", { username });
  const user = await insertUser(db, {
    username,
    displayName: input.displayName,
    role: input.role,
    areaId: area.id,
    phone: input.phone,
    passwordHash: await hashPassword(input.password),
  });
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

// ── the user screen: what a manager may touch ────────────────────────────────────────────────────

/** The accounts a manager sees: under their area, and officers only for a supervisor. */
function managedBy(actor: SessionUser): SQL {
  const under = sql`starts_with(${areas.path}, ${actor.areaPath})`;
  return actor.role === "admin" ? under : sql`${under} and ${users.role} = 'officer'`;
}

interface Target {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  areaId: string;
  areaCode: string;
  areaPath: string;
  disabledAt: Date | null;
}

/**
 * An account the manager may manage, locked for the rest of the transaction when `lock` (two managers
 * acting on one account take turns); anything else NOT_FOUND. Their own account is refused in words.
 */
async function managedUser(tx: Db, actor: SessionUser, userId: string, lock: boolean): Promise<Target> {
  if (lock) await tx.execute(sql`select 1 from ${users} where ${users.id} = ${userId} for update`);
  const [row] = await tx
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      areaId: users.areaId,
      areaCode: areas.code,
      areaPath: areas.path,
      disabledAt: users.disabledAt,
    })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(and(eq(users.id, userId), managedBy(actor)));
  if (!row) throw notFound();
  if (row.id === actor.id) throw new AppError("BAD_REQUEST", "users.error.self");
  return row;
}

function assertGrantable(actor: SessionUser, role: Role) {
  if (!grantableRoles(actor.role).includes(role))
    throw new AppError("FORBIDDEN", "users.error.roleNotAllowed");
}

/** An area in the manager's own, by id (the screen's pickers send ids): anything else NOT_FOUND. */
async function areaInScope(db: Db, actor: SessionUser, areaId: string) {
  const [area] = await db
    .select({ id: areas.id, code: areas.code, name: areas.name, path: areas.path })
    .from(areas)
    .where(eq(areas.id, areaId));
  if (!area || !inScope(actor, area.path)) throw notFound();
  return area;
}

const ACTIVE_GRIDS = sql<number>`(
  select count(*)::int from assignments s join campaigns c on c.id = s.campaign_id
  where s.officer_id = ${users.id} and s.ended_at is null and c.status = 'open')`;

// The audit log is the record of logins; its (user_id, at) index finds the latest walking backwards.
const LAST_LOGIN = sql<Date | null>`(
  select l.at from audit_log l where l.user_id = ${users.id} and l.action = 'login'
  order by l.at desc limit 1)`;

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A page of the accounts the manager sees, by username: searched in username and name, filtered by
 * role, area (itself and below) and state, with the last login and the grids held now.
 */
export async function listUsers(db: Db, actor: SessionUser, input: UserListInput) {
  const within = input.areaId ? await areaInScope(db, actor, input.areaId) : null;
  const conditions: SQL[] = [managedBy(actor)];
  if (within) conditions.push(sql`starts_with(${areas.path}, ${within.path})`);
  if (input.role) conditions.push(eq(users.role, input.role));
  if (input.state === "active") conditions.push(sql`${users.disabledAt} is null`);
  if (input.state === "disabled") conditions.push(sql`${users.disabledAt} is not null`);
  if (input.search) {
    const pattern = likePattern(input.search);
    conditions.push(sql`(${users.username} ilike ${pattern} or ${users.displayName} ilike ${pattern})`);
  }
  const where = and(...conditions);
  const [{ total }] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(where);
  const rows = await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      areaId: users.areaId,
      areaCode: areas.code,
      areaName: areas.name,
      areaLevel: areas.level,
      phone: users.phone,
      disabledAt: users.disabledAt,
      createdAt: users.createdAt,
      lastLoginAt: LAST_LOGIN,
      activeGrids: ACTIVE_GRIDS,
    })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(where)
    .orderBy(users.username)
    .limit(input.limit)
    .offset(input.offset);
  const list: UserRow[] = rows.map((row) => ({
    ...row,
    phone: row.phone ? maskPhone(row.phone) : null,
    // A raw subquery comes back as text on one driver and a Date on the other.
    lastLoginAt: row.lastLoginAt ? new Date(row.lastLoginAt) : null,
  }));
  return { users: list, total, grantableRoles: grantableRoles(actor.role), selfId: actor.id };
}

/** An area of the manager's and its children, for the screen's area pickers (one level at a time). */
export async function areaChoices(
  db: Db,
  actor: SessionUser,
  parentId: string | undefined,
): Promise<{ area: AreaChoice; children: AreaChoice[] }> {
  const columns = { id: areas.id, code: areas.code, name: areas.name, level: areas.level };
  const root = parentId ?? actor.areaId;
  const [area] = await db
    .select({ ...columns, path: areas.path })
    .from(areas)
    .where(eq(areas.id, root));
  if (!area || !inScope(actor, area.path)) throw notFound();
  const children = await db
    .select(columns)
    .from(areas)
    .where(eq(areas.parentId, area.id))
    .orderBy(areas.code);
  const { path: _path, ...shown } = area;
  return { area: shown, children };
}

/** One account, with a temporary password shown once. */
export async function createManagedUser(db: Db, actor: SessionUser, input: UserCreateInput, meta: Meta) {
  assertGrantable(actor, input.role);
  const area = await areaInScope(db, actor, input.areaId);
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.username, input.username));
  if (existing) throw new AppError("CONFLICT", "users.exists", { username: input.username });
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const user = await insertUser(tx, {
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      areaId: area.id,
      phone: input.phone,
      passwordHash,
    });
    await writeAudit(tx, {
      userId: actor.id,
      action: "user.create",
      entity: "user",
      entityId: user.id,
      areaPath: area.path,
      ip: meta.ip,
      detail: { username: user.username, role: input.role, areaCode: area.code },
    });
    return {
      id: user.id,
      username: user.username,
      displayName: input.displayName,
      temporaryPassword: password,
    };
  });
}

/** Disables (ending every session at once) or enables an account; asking for its state changes nothing. */
export async function setUserDisabled(
  db: Db,
  actor: SessionUser,
  input: { userId: string; disabled: boolean },
  meta: Meta,
) {
  return db.transaction(async (tx) => {
    const target = await managedUser(tx, actor, input.userId, true);
    if (input.disabled === (target.disabledAt !== null)) return { changed: false };
    await tx
      .update(users)
      .set({ disabledAt: input.disabled ? meta.now : null })
      .where(eq(users.id, target.id));
    if (input.disabled) await tx.delete(sessions).where(eq(sessions.userId, target.id));
    await writeAudit(tx, {
      userId: actor.id,
      action: input.disabled ? "user.disable" : "user.enable",
      entity: "user",
      entityId: target.id,
      areaPath: target.areaPath,
      ip: meta.ip,
      detail: { username: target.username },
    });
    return { changed: true };
  });
}

/** A new temporary password, shown once; every session of the account ends. */
export async function resetUserPassword(db: Db, actor: SessionUser, input: { userId: string }, meta: Meta) {
  // Checked before the (slow, memory-hard) hash, and again under the lock.
  await managedUser(db, actor, input.userId, false);
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const target = await managedUser(tx, actor, input.userId, true);
    await tx.update(users).set({ passwordHash }).where(eq(users.id, target.id));
    await tx.delete(sessions).where(eq(sessions.userId, target.id));
    await writeAudit(tx, {
      userId: actor.id,
      action: "user.reset_password",
      entity: "user",
      entityId: target.id,
      areaPath: target.areaPath,
      ip: meta.ip,
      detail: { username: target.username },
    });
    return { temporaryPassword: password };
  });
}

/**
 * A new role and/or area. The account must be one the manager manages, the role one they may give and
 * the area inside theirs. The officer's campaign assignments stay as they are: the campaign screen
 * gives grids, whatever the officer's area (scope.ts).
 */
export async function updateManagedUser(db: Db, actor: SessionUser, input: UserUpdateInput, meta: Meta) {
  if (input.role) assertGrantable(actor, input.role);
  const area = input.areaId ? await areaInScope(db, actor, input.areaId) : null;
  return db.transaction(async (tx) => {
    const target = await managedUser(tx, actor, input.userId, true);
    const role = input.role && input.role !== target.role ? input.role : null;
    const moved = area && area.id !== target.areaId ? area : null;
    if (!role && !moved) return { changed: false };
    await tx
      .update(users)
      .set({ ...(role ? { role } : {}), ...(moved ? { areaId: moved.id } : {}) })
      .where(eq(users.id, target.id));
    await writeAudit(tx, {
      userId: actor.id,
      action: "user.update",
      entity: "user",
      entityId: target.id,
      areaPath: moved?.path ?? target.areaPath,
      ip: meta.ip,
      detail: {
        username: target.username,
        from: { role: target.role, areaCode: target.areaCode },
        to: { role: role ?? target.role, areaCode: moved?.code ?? target.areaCode },
      },
    });
    return { changed: true };
  });
}

// ── bulk creation from a spreadsheet ─────────────────────────────────────────────────────────────

interface BulkRow {
  row: number;
  cells: Partial<Record<UserColumn, string>>;
}

/** The first sheet's header map and non-blank rows; a file that is not a workbook is refused in words. */
async function readSheet(data: Buffer) {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new AppError("BAD_REQUEST", "users.bulk.notXlsx");
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new AppError("BAD_REQUEST", "users.bulk.notXlsx");
  const textOf = (row: ExcelJS.Row, column: number) => cellText(row.getCell(column).value).trim();
  const header = sheet.getRow(1);
  const columnOf = new Map<UserColumn, { index: number; name: string }>();
  for (let c = 1; c <= header.cellCount; c++) {
    const name = textOf(header, c);
    const spec = USER_COLUMNS.find((col) => col.names.some((n) => n.toLowerCase() === name.toLowerCase()));
    if (spec && !columnOf.has(spec.field)) columnOf.set(spec.field, { index: c, name });
  }
  for (const spec of USER_COLUMNS) {
    if (spec.required && !columnOf.has(spec.field)) {
      throw new AppError("BAD_REQUEST", "users.bulk.missingColumn", { column: spec.names[0] });
    }
  }
  const rows: BulkRow[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: BulkRow["cells"] = {};
    for (const [field, { index }] of columnOf) cells[field] = textOf(row, index);
    // A blank row is skipped, and the numbering stays the spreadsheet's.
    if (Object.values(cells).some((value) => value)) rows.push({ row: r, cells });
  }
  return { rows, columnName: (field: UserColumn) => columnOf.get(field)?.name ?? field };
}

/**
 * Accounts from an XLSX file (用户名, 姓名, 角色, 区域代码, 手机), all or nothing: every row is checked
 * (the same rules as one account, plus duplicates within the file) and, with any problem, nothing is
 * written and each problem is listed by row and column; with none, every account is created in one
 * transaction. Why all or nothing, where the register import keeps the good rows: the accounts of a
 * file are a team handed out together, with passwords shown once; half a team created means a second
 * upload of the corrected file trips over the accounts already made, and their passwords must be
 * fished out of the first report. All or nothing makes the corrected file simply go in again.
 */
export async function bulkCreateUsers(
  db: Db,
  actor: SessionUser,
  input: UserBulkInput,
  meta: Meta,
  translate: Translate,
): Promise<UserBulkReport> {
  const data = Buffer.from(input.data, "base64");
  if (data.length > USERS_BULK_MAX_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "users.bulk.tooLarge");
  const { rows, columnName } = await readSheet(data);
  if (rows.length === 0) throw new AppError("BAD_REQUEST", "users.bulk.empty");
  if (rows.length > USERS_BULK_MAX_ROWS) {
    throw new AppError("BAD_REQUEST", "users.bulk.tooManyRows", {
      rows: rows.length,
      max: USERS_BULK_MAX_ROWS,
    });
  }

  const problems: UserBulkProblem[] = [];
  const problem = (row: number, field: UserColumn, value: string, key: MessageKey, params?: MessageParams) =>
    problems.push({ row, column: columnName(field), value, reason: translate(key, params) });

  const codes = [...new Set(rows.map((r) => r.cells.areaCode ?? "").filter(Boolean))];
  const found =
    codes.length === 0
      ? []
      : await db
          .select({ id: areas.id, code: areas.code, name: areas.name, path: areas.path })
          .from(areas)
          .where(sql`${areas.code} = any(${sql.param(codes)}::text[])`);
  // An area outside the manager's is answered like a missing one.
  const areaOf = new Map(found.filter((a) => inScope(actor, a.path)).map((a) => [a.code, a]));

  const firstRowOf = new Map<string, number>();
  const accepted: {
    row: number;
    username: string;
    displayName: string;
    role: Role;
    area: { id: string; name: string; code: string; path: string };
    phone: string | null;
  }[] = [];
  for (const { row, cells } of rows) {
    let ok = true;
    const fail = (field: UserColumn, value: string, key: MessageKey, params?: MessageParams) => {
      ok = false;
      problem(row, field, value, key, params);
    };
    const rawName = cells.username ?? "";
    const username = normaliseUsername(rawName);
    if (!username) fail("username", rawName, "validation.required");
    else if (!USERNAME_PATTERN.test(username)) fail("username", rawName, "users.badUsername");
    else if (firstRowOf.has(username))
      fail("username", rawName, "users.bulk.duplicate", { row: firstRowOf.get(username) as number });
    else firstRowOf.set(username, row);

    const displayName = (cells.displayName ?? "").trim();
    if (!displayName) fail("displayName", displayName, "validation.required");
    else if (displayName.length > DISPLAY_NAME_MAX)
      fail("displayName", displayName, "validation.tooLong", { max: DISPLAY_NAME_MAX });

    const roleText = cells.role ?? "";
    const role = parseRole(roleText);
    if (!roleText) fail("role", roleText, "validation.required");
    else if (!role) fail("role", roleText, "users.bulk.badRole", { value: roleText });
    else if (!grantableRoles(actor.role).includes(role)) fail("role", roleText, "users.error.roleNotAllowed");

    const code = cells.areaCode ?? "";
    const area = areaOf.get(code);
    if (!code) fail("areaCode", code, "validation.required");
    else if (!area) fail("areaCode", code, "users.error.areaOutside", { code });

    const phoneText = cells.phone ?? "";
    const phone = phoneText ? parseMobile(phoneText) : null;
    if (phone && !phone.ok) fail("phone", phoneText, phone.error);

    if (ok && role && area) {
      accepted.push({ row, username, displayName, role, area, phone: phone?.ok ? phone.value : null });
    }
  }

  const taken = async () => {
    const names = [...firstRowOf.keys()];
    if (names.length === 0) return;
    const existing = await db
      .select({ username: users.username })
      .from(users)
      .where(sql`${users.username} = any(${sql.param(names)}::text[])`);
    for (const { username } of existing) {
      const row = firstRowOf.get(username) as number;
      const value = rows.find((r) => r.row === row)?.cells.username ?? username;
      problem(row, "username", value, "users.exists", { username });
    }
  };
  await taken();

  const report = (created: UserBulkCreated[]): UserBulkReport => ({
    fileName: input.fileName,
    read: rows.length,
    created,
    problems: problems.sort((a, b) => a.row - b.row),
  });
  if (problems.length > 0) return report([]);

  // The hashes (slow, memory-hard) before the transaction, so it holds its locks briefly.
  const prepared = await Promise.all(
    accepted.map(async (row) => {
      const password = temporaryPassword();
      return { ...row, password, passwordHash: await hashPassword(password) };
    }),
  );
  try {
    const created = await db.transaction(async (tx) => {
      const out: UserBulkCreated[] = [];
      for (const row of prepared) {
        const user = await insertUser(tx, {
          username: row.username,
          displayName: row.displayName,
          role: row.role,
          areaId: row.area.id,
          phone: row.phone,
          passwordHash: row.passwordHash,
        });
        await writeAudit(tx, {
          userId: actor.id,
          action: "user.create",
          entity: "user",
          entityId: user.id,
          areaPath: row.area.path,
          ip: meta.ip,
          detail: {
            username: row.username,
            role: row.role,
            areaCode: row.area.code,
            file: input.fileName,
            row: row.row,
          },
        });
        out.push({
          row: row.row,
          id: user.id,
          username: row.username,
          displayName: row.displayName,
          role: row.role,
          areaName: row.area.name,
          temporaryPassword: row.password,
        });
      }
      await writeAudit(tx, {
        userId: actor.id,
        action: "user.bulk_create",
        entity: "user",
        areaPath: actor.areaPath,
        ip: meta.ip,
        detail: { file: input.fileName, rows: rows.length, usernames: out.map((u) => u.username) },
      });
      return out;
    });
    return report(created);
  } catch (error) {
    // Someone created one of these names meanwhile: nothing of the file was written; say which.
    if (error instanceof AppError && error.key === "users.exists") {
      await taken();
      if (problems.length > 0) return report([]);
    }
    throw error;
  }
}
