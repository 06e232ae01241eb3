// User accounts as the user screen (/supervise/users) and the server see them: roles and who may grant
// which, the forms' schemas, and the bulk file's columns. Pure: no I/O.

import { z } from "zod";
import { ROLES, type Role } from "./auth";
import { mobileField, optional, requiredText, withKeys } from "./schemas/fields";

/**
 * The roles a manager may give. No one raises anyone above their own role; a supervisor manages the
 * officers of their area only (making one a supervisor would put them out of the supervisor's own
 * sight), an administrator any role.
 */
export function grantableRoles(actor: Role): Role[] {
  if (actor === "admin") return [...ROLES];
  if (actor === "supervisor") return ["officer"];
  return [];
}

export const USERNAME_PATTERN = /^[a-z0-9_.-]{2,64}$/;
export const DISPLAY_NAME_MAX = 50;

/** Usernames are compared lower-case and trimmed, as the login does. */
export const normaliseUsername = (value: string) => value.trim().toLowerCase();

const usernameField = z
  .string(withKeys)
  .transform(normaliseUsername)
  .pipe(z.string(withKeys).regex(USERNAME_PATTERN, { error: "users.badUsername" }));

export const userCreateInput = z.object({
  username: usernameField,
  displayName: requiredText(DISPLAY_NAME_MAX),
  role: z.enum(ROLES, withKeys),
  areaId: z.uuid({ error: "users.error.areaRequired" }),
  phone: optional(mobileField()),
});
export type UserCreateInput = z.output<typeof userCreateInput>;
export type UserCreateValues = z.input<typeof userCreateInput>;

/** A change of role and/or area; a field left out stays as it is. */
export const userUpdateInput = z.object({
  userId: z.uuid(),
  role: z.enum(ROLES, withKeys).optional(),
  areaId: z.uuid().optional(),
});
export type UserUpdateInput = z.output<typeof userUpdateInput>;

export const USER_STATES = ["all", "active", "disabled"] as const;
export type UserState = (typeof USER_STATES)[number];
export const USER_PAGE_SIZE = 50;

export const userListInput = z.object({
  search: z.string().trim().max(64).optional(),
  role: z.enum(ROLES).optional(),
  areaId: z.uuid().optional(),
  state: z.enum(USER_STATES).default("all"),
  limit: z.number().int().min(1).max(200).default(USER_PAGE_SIZE),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});
export type UserListInput = z.output<typeof userListInput>;

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  areaId: string;
  areaCode: string;
  areaName: string;
  areaLevel: string;
  /** Masked (138****1234): the list leaves the screen in screenshots and over shoulders. */
  phone: string | null;
  disabledAt: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  /** Grids held now in open campaigns. */
  activeGrids: number;
}

export interface AreaChoice {
  id: string;
  code: string;
  name: string;
  level: string;
}

// ── bulk creation from a spreadsheet ─────────────────────────────────────────────────────────────

export type UserColumn = "username" | "displayName" | "role" | "areaCode" | "phone";

/** Header → column; the first name is the one the template and the report use. */
export const USER_COLUMNS: { field: UserColumn; names: string[]; required: boolean }[] = [
  { field: "username", names: ["用户名", "账号", "username"], required: true },
  { field: "displayName", names: ["姓名", "显示名", "name"], required: true },
  { field: "role", names: ["角色", "role"], required: true },
  { field: "areaCode", names: ["区域代码", "区域编码", "area code", "area"], required: true },
  { field: "phone", names: ["手机", "手机号码", "联系电话", "phone", "mobile"], required: false },
];

/** The words a role may be written in, Chinese or English. */
const ROLE_WORDS: Record<string, Role> = {
  信息员: "officer",
  网格员: "officer",
  officer: "officer",
  督导员: "supervisor",
  督导: "supervisor",
  supervisor: "supervisor",
  管理员: "admin",
  admin: "admin",
  administrator: "admin",
};

export function parseRole(value: string): Role | null {
  return ROLE_WORDS[value.trim().toLowerCase()] ?? null;
}

/** Rows a file may hold: each new account's password is hashed with a memory-hard KDF. */
export const USERS_BULK_MAX_ROWS = 500;
/** The spreadsheet's size, before base64 (which the JSON body carries, under its 1 MB bound). */
export const USERS_BULK_MAX_BYTES = 512 * 1024;

export const userBulkInput = z.object({
  fileName: z.string().trim().min(1).max(200),
  /** The .xlsx file, base64-encoded. */
  data: z
    .string()
    .max(Math.ceil(USERS_BULK_MAX_BYTES / 3) * 4, { error: "users.bulk.tooLarge" })
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: "users.bulk.notXlsx" }),
});
export type UserBulkInput = z.output<typeof userBulkInput>;

export interface UserBulkProblem {
  row: number;
  column: string;
  value: string;
  reason: string;
}

export interface UserBulkCreated {
  row: number;
  id: string;
  username: string;
  displayName: string;
  role: Role;
  areaName: string;
  temporaryPassword: string;
}

/**
 * All or nothing: with any problem no account is created and every problem is listed, so the corrected
 * file is simply uploaded again (see server/services/users.ts bulkCreateUsers for why).
 */
export interface UserBulkReport {
  fileName: string;
  /** Data rows read (blank rows not counted). */
  read: number;
  created: UserBulkCreated[];
  problems: UserBulkProblem[];
}
