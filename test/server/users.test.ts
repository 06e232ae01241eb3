import { TRPCError } from "@trpc/server";
import { and, count, eq, like, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/trpc/[trpc]/route";
import type { Database } from "@/db/client";
import { areas, auditLog, sessions, users } from "@/db/schema";
import { AppError } from "@/server/errors";
import { createUser } from "@/server/services/users";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { supervisorOf } from "../support/push";

async function refusedKey(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.key;
    throw error;
  }
  throw new Error("expected a refusal");
}

/** What a call was refused with: its tRPC code and catalogue key ("OK" when it went through). */
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return error.cause instanceof AppError ? `${error.code} ${error.cause.key}` : error.code;
  }
}

describe.each(databaseKinds)("managing real users on %s", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
  });
  afterAll(() => database?.close());

  const base = {
    displayName: "黄丽华",
    role: "supervisor" as const,
    areaCode: "440104007103",
    password: "long-enough-1",
  };

  it("adds a community supervisor who logs in and sees only that community", async () => {
    await createUser(database.db, { ...base, username: "Huang.LH" });
    const [stored] = await database.db.select().from(users).where(eq(users.username, "huang.lh"));
    expect(stored.demo).toBe(false);
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    const { caller } = await callerFor(database, {
      cookie: await loginAs(database, "huang.lh", "long-enough-1"),
    });
    const view = await caller.area.get({});
    expect(view.area.code).toBe("440104007103");
    expect(view.children.every((child) => child.code.startsWith("440104007103"))).toBe(true);
    const street = (await database.db.select().from(users).where(eq(users.username, "supervisor")))[0];
    await expect(caller.area.get({ id: street.areaId })).rejects.toBeInstanceOf(TRPCError);
  });

  it("refuses bad input with a reason and writes nothing", async () => {
    const before = (await database.db.select().from(users)).length;
    expect(await refusedKey(createUser(database.db, { ...base, username: "x y" }))).toBe("users.badUsername");
    expect(
      await refusedKey(createUser(database.db, { ...base, username: "shortpw", password: "1234567" })),
    ).toBe("users.passwordTooShort");
    expect(
      await refusedKey(createUser(database.db, { ...base, username: "nowhere", areaCode: "999999" })),
    ).toBe("users.unknownArea");
    expect(await refusedKey(createUser(database.db, { ...base, username: "officer1" }))).toBe("users.exists");
    expect((await database.db.select().from(users)).length).toBe(before);
  });
});

// ── the user screen: list, create, disable, reset, change, bulk ──────────────────────────────────

const BASE = "http://localhost:3000";

/** A mutation over HTTP, as the page sends it, answered in the locale of the cookie. */
async function httpMutation(path: string, input: unknown, cookie: string, locale = "zh-CN") {
  const response = await POST(
    new Request(`${BASE}/api/trpc/${path}`, {
      method: "POST",
      body: JSON.stringify({ json: input }),
      headers: {
        host: "localhost:3000",
        "content-type": "application/json",
        origin: BASE,
        "sec-fetch-site": "same-origin",
        cookie: `${cookie}; doorstep_locale=${locale}`,
      },
    }),
  );
  return { status: response.status, body: await response.json() };
}

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];

/** An .xlsx file (base64) with these rows under the headers. */
async function workbook(
  rows: (string | number)[][],
  headers = ["用户名", "姓名", "角色", "区域代码", "手机"],
) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("用户");
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer()).toString("base64");
}

describe.each(databaseKinds)("the user screen on %s", (kind) => {
  let database: Database;
  let own: Awaited<ReturnType<typeof objectsOfOfficer>>;
  let other: Awaited<ReturnType<typeof objectsOfOfficer>>;
  let ownCode: { community: string; grid: string };
  let otherCode: { community: string; grid: string };
  let admin: Caller;
  let adminCookie: string;
  let street: Caller;
  let ownCommunity: Caller;
  let otherCommunity: Caller;
  let officer1: Caller;
  let created: { id: string; username: string; temporaryPassword: string };

  const idOf = async (username: string) =>
    (await database.db.select({ id: users.id }).from(users).where(eq(users.username, username)))[0].id;
  const codeOfArea = async (id: string) =>
    (await database.db.select({ code: areas.code }).from(areas).where(eq(areas.id, id)))[0].code;
  const fingerprint = async () => ({
    users: (await database.db.select({ n: count() }).from(users))[0].n,
    changed: (
      await database.db
        .select({ s: sql<string>`string_agg(md5(${users}::text), ',' order by ${users.id})` })
        .from(users)
    )[0].s,
    audit: (await database.db.select({ n: count() }).from(auditLog).where(like(auditLog.action, "user.%")))[0]
      .n,
  });
  const canLogin = async (username: string, password: string) =>
    (await refusal((await callerFor(database)).caller.auth.login({ username, password }))) === "OK";

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    globalThis.__doorstepDatabase = Promise.resolve(database);
    own = await objectsOfOfficer(database, "officer1");
    other = await objectsOfOfficer(database, "officer2");
    ownCode = { community: await codeOfArea(own.communityId), grid: await codeOfArea(own.gridId) };
    otherCode = { community: await codeOfArea(other.communityId), grid: await codeOfArea(other.gridId) };
    adminCookie = await loginAs(database, "admin");
    admin = (await callerFor(database, { cookie: adminCookie })).caller;
    street = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    ownCommunity = await supervisorOf(database, own.communityId, "users-community-1");
    otherCommunity = await supervisorOf(database, other.communityId, "users-community-2");
    officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  it("the two communities differ", () => {
    expect(own.communityId).not.toBe(other.communityId);
  });

  it("lists what each manager may manage: an administrator everyone under them, a supervisor their area's officers", async () => {
    const all = await admin.user.list({ limit: 200 });
    expect(all.total).toBe((await database.db.select({ n: count() }).from(users))[0].n);
    expect(all.grantableRoles).toEqual(["officer", "supervisor", "admin"]);
    const o1 = all.users.find((u) => u.username === "officer1");
    expect(o1).toMatchObject({ role: "officer", areaId: own.gridId, disabledAt: null, activeGrids: 1 });
    // officer1 logged in above; the demo's officer3 never did.
    expect(o1?.lastLoginAt).toBeInstanceOf(Date);
    expect(all.users.find((u) => u.username === "officer3")?.lastLoginAt).toBeNull();

    const mine = await ownCommunity.user.list({});
    expect(mine.grantableRoles).toEqual(["officer"]);
    expect(mine.users.map((u) => u.username)).toContain("officer1");
    expect(mine.users.every((u) => u.role === "officer")).toBe(true);
    expect(mine.users.map((u) => u.username)).not.toContain("officer2");
    expect(mine.users.map((u) => u.username)).not.toContain("users-community-1");

    // Search, role, area and state filters.
    const found = await admin.user.list({ search: "OFFICER1", role: "officer" });
    expect(found.users.map((u) => u.username)).toContain("officer1");
    expect(found.users.every((u) => u.username.includes("officer1"))).toBe(true);
    expect((await admin.user.list({ search: "%" })).total).toBe(0);
    const supervisors = await admin.user.list({ role: "supervisor" });
    expect(supervisors.users.map((u) => u.username).sort()).toEqual(
      ["supervisor", "users-community-1", "users-community-2"].sort(),
    );
    const inOther = await street.user.list({ areaId: other.communityId });
    expect(inOther.users.map((u) => u.username)).toContain("officer2");
    expect(inOther.users.map((u) => u.username)).not.toContain("officer1");
    expect((await admin.user.list({ state: "disabled" })).total).toBe(0);

    // An area outside one's own is missing; officers manage no one.
    expect(await refusal(ownCommunity.user.list({ areaId: other.communityId }))).toBe(
      "NOT_FOUND errors.notFound",
    );
    expect(await refusal(officer1.user.list({}))).toBe("FORBIDDEN");
  });

  it("offers areas one level at a time, inside the manager's own", async () => {
    const root = await ownCommunity.user.areas({});
    expect(root.area.id).toBe(own.communityId);
    expect(root.children.map((c) => c.id)).toContain(own.gridId);
    const city = await admin.user.areas({});
    expect(city.area.level).toBe("city");
    expect(
      (await street.user.areas({ parentId: own.communityId })).children.every((c) => c.level === "grid"),
    ).toBe(true);
    expect(await refusal(ownCommunity.user.areas({ parentId: other.communityId }))).toBe(
      "NOT_FOUND errors.notFound",
    );
    expect(await refusal(officer1.user.areas({}))).toBe("FORBIDDEN");
  });

  it("a community's supervisor creates an officer of the community, who logs in with the temporary password", async () => {
    const before = await fingerprint();
    created = await ownCommunity.user.create({
      username: " Zhou.Min ",
      displayName: "周敏",
      role: "officer",
      areaId: own.communityId,
      phone: "138 1234 5678",
    });
    expect(created.username).toBe("zhou.min");
    expect(created.temporaryPassword).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const [row] = await database.db.select().from(users).where(eq(users.id, created.id));
    expect(row).toMatchObject({
      role: "officer",
      areaId: own.communityId,
      phone: "13812345678",
      disabledAt: null,
    });
    expect(row.passwordHash).not.toContain(created.temporaryPassword);
    expect(await canLogin("zhou.min", created.temporaryPassword)).toBe(true);
    const after = await fingerprint();
    expect(after.users).toBe(before.users + 1);
    expect(after.audit).toBe(before.audit + 1);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.create"), eq(auditLog.entityId, created.id)));
    expect(audit).toMatchObject({ userId: await idOf("users-community-1") });
    expect(audit.detail).toEqual({ username: "zhou.min", role: "officer", areaCode: ownCode.community });
    expect(JSON.stringify(audit.detail)).not.toContain(created.temporaryPassword);
    // The list shows the phone masked.
    const listed = (await ownCommunity.user.list({ search: "zhou" })).users[0];
    expect(listed.phone).toBe("138****5678");
  });

  it("refuses what a manager may not create, with the reason, and writes nothing", async () => {
    const before = await fingerprint();
    const input = {
      username: "refused-1",
      displayName: "拒绝",
      role: "officer" as const,
      areaId: own.gridId,
    };
    // A supervisor gives the officer role only; no one a role above their own.
    expect(await refusal(ownCommunity.user.create({ ...input, role: "supervisor" }))).toBe(
      "FORBIDDEN users.error.roleNotAllowed",
    );
    expect(await refusal(street.user.create({ ...input, role: "admin" }))).toBe(
      "FORBIDDEN users.error.roleNotAllowed",
    );
    // No area outside one's own.
    expect(await refusal(ownCommunity.user.create({ ...input, areaId: other.gridId }))).toBe(
      "NOT_FOUND errors.notFound",
    );
    const communityAdminCookie = await (async () => {
      await createUser(database.db, {
        username: "users-admin-c",
        displayName: "社区管理员",
        role: "admin",
        areaCode: ownCode.community,
        password: "long-enough-1",
      });
      return loginAs(database, "users-admin-c", "long-enough-1");
    })();
    const communityAdmin = (await callerFor(database, { cookie: communityAdminCookie })).caller;
    const mid = await fingerprint();
    expect(await refusal(communityAdmin.user.create({ ...input, areaId: other.communityId }))).toBe(
      "NOT_FOUND errors.notFound",
    );
    expect(await refusal(ownCommunity.user.create({ ...input, username: "officer1" }))).toBe(
      "CONFLICT users.exists",
    );
    expect(await refusal(officer1.user.create(input))).toBe("FORBIDDEN");
    expect(await fingerprint()).toEqual(mid);
    expect(mid.users).toBe(before.users + 1);

    // A bad form, field by field, in the caller's language.
    const zh = await httpMutation(
      "user.create",
      { username: "x y", displayName: " ", role: "officer", areaId: "", phone: "12345" },
      adminCookie,
    );
    expect(zh.status).toBe(400);
    expect(zh.body.error.json.data.fieldErrors).toEqual({
      username: "用户名只能包含小写字母、数字和 _ . -，长度 2–64",
      displayName: "此项必填，请填写",
      areaId: "请选择区域",
      phone: expect.stringContaining("11"),
    });
    const en = await httpMutation(
      "user.create",
      { username: "ok-name", displayName: "名", role: "officer", areaId: own.gridId },
      await loginAs(database, "users-community-2"),
      "en",
    );
    expect(en.status).toBe(404);
    expect(await fingerprint()).toEqual(mid);
  });

  it("disables and enables within the manager's sight: a disabled account's sessions end and it cannot log in", async () => {
    const zhouCookie = await loginAs(database, "zhou.min", created.temporaryPassword);
    /** The account behind a cookie, read afresh (a caller's context is read once, when it is made). */
    const sessionOf = async (cookie: string) => (await callerFor(database, { cookie })).caller.auth.me();
    expect(await sessionOf(zhouCookie)).toMatchObject({ username: "zhou.min" });
    const before = await fingerprint();
    // Not the other community's supervisor's, nor a supervisor's to touch another supervisor; not oneself.
    expect(await refusal(otherCommunity.user.setDisabled({ userId: created.id, disabled: true }))).toBe(
      "NOT_FOUND errors.notFound",
    );
    expect(
      await refusal(
        ownCommunity.user.setDisabled({ userId: await idOf("users-community-2"), disabled: true }),
      ),
    ).toBe("NOT_FOUND errors.notFound");
    expect(
      await refusal(street.user.setDisabled({ userId: await idOf("users-community-1"), disabled: true })),
    ).toBe("NOT_FOUND errors.notFound");
    expect(await refusal(admin.user.setDisabled({ userId: await idOf("admin"), disabled: true }))).toBe(
      "BAD_REQUEST users.error.self",
    );
    expect(await refusal(officer1.user.setDisabled({ userId: created.id, disabled: true }))).toBe(
      "FORBIDDEN",
    );
    expect(await fingerprint()).toEqual(before);

    expect(await ownCommunity.user.setDisabled({ userId: created.id, disabled: true })).toEqual({
      changed: true,
    });
    expect(await ownCommunity.user.setDisabled({ userId: created.id, disabled: true })).toEqual({
      changed: false,
    });
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, created.id))).toEqual([]);
    expect(await sessionOf(zhouCookie)).toBeNull();
    expect(await canLogin("zhou.min", created.temporaryPassword)).toBe(false);
    expect((await ownCommunity.user.list({ state: "disabled" })).users.map((u) => u.id)).toEqual([
      created.id,
    ]);

    expect(await ownCommunity.user.setDisabled({ userId: created.id, disabled: false })).toEqual({
      changed: true,
    });
    expect(await canLogin("zhou.min", created.temporaryPassword)).toBe(true);
    const actions = await database.db
      .select({ action: auditLog.action, userId: auditLog.userId })
      .from(auditLog)
      .where(and(eq(auditLog.entityId, created.id), like(auditLog.action, "user.%")))
      .orderBy(auditLog.id);
    expect(actions.map((a) => a.action)).toEqual(["user.create", "user.disable", "user.enable"]);
  });

  it("resets a password: a new temporary one, shown once, and every session ends", async () => {
    const oldCookie = await loginAs(database, "zhou.min", created.temporaryPassword);
    expect(await refusal(otherCommunity.user.resetPassword({ userId: created.id }))).toBe(
      "NOT_FOUND errors.notFound",
    );
    expect(await refusal(admin.user.resetPassword({ userId: await idOf("admin") }))).toBe(
      "BAD_REQUEST users.error.self",
    );
    const { temporaryPassword } = await street.user.resetPassword({ userId: created.id });
    expect(temporaryPassword).not.toBe(created.temporaryPassword);
    expect(await (await callerFor(database, { cookie: oldCookie })).caller.auth.me()).toBeNull();
    expect(await canLogin("zhou.min", created.temporaryPassword)).toBe(false);
    expect(await canLogin("zhou.min", temporaryPassword)).toBe(true);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.reset_password"), eq(auditLog.entityId, created.id)));
    expect(audit).toMatchObject({ userId: await idOf("supervisor"), detail: { username: "zhou.min" } });
    expect(JSON.stringify(audit.detail)).not.toContain(temporaryPassword);
    created.temporaryPassword = temporaryPassword;
  });

  it("changes area and role, never above the manager's own role or outside their area", async () => {
    const before = await fingerprint();
    // The community's supervisor moves the officer to a grid of the community…
    expect(await ownCommunity.user.update({ userId: created.id, areaId: own.gridId })).toEqual({
      changed: true,
    });
    expect(
      await ownCommunity.user.update({ userId: created.id, areaId: own.gridId, role: "officer" }),
    ).toEqual({
      changed: false,
    });
    // …but not out of it, nor up to supervisor.
    expect(await refusal(ownCommunity.user.update({ userId: created.id, areaId: other.gridId }))).toBe(
      "NOT_FOUND errors.notFound",
    );
    expect(await refusal(ownCommunity.user.update({ userId: created.id, role: "supervisor" }))).toBe(
      "FORBIDDEN users.error.roleNotAllowed",
    );
    expect(await refusal(otherCommunity.user.update({ userId: created.id, areaId: other.gridId }))).toBe(
      "NOT_FOUND errors.notFound",
    );
    expect(await refusal(admin.user.update({ userId: await idOf("admin"), role: "officer" }))).toBe(
      "BAD_REQUEST users.error.self",
    );
    const [row] = await database.db.select().from(users).where(eq(users.id, created.id));
    expect(row).toMatchObject({ areaId: own.gridId, role: "officer" });
    const after = await fingerprint();
    expect(after.audit).toBe(before.audit + 1);

    // The administrator makes them the supervisor of the other community: out of the first's sight.
    expect(
      await admin.user.update({ userId: created.id, role: "supervisor", areaId: other.communityId }),
    ).toEqual({
      changed: true,
    });
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.update"), eq(auditLog.entityId, created.id)))
      .orderBy(sql`${auditLog.id} desc`)
      .limit(1);
    expect(audit.detail).toEqual({
      username: "zhou.min",
      from: { role: "officer", areaCode: ownCode.grid },
      to: { role: "supervisor", areaCode: otherCode.community },
    });
    expect(await refusal(ownCommunity.user.resetPassword({ userId: created.id }))).toBe(
      "NOT_FOUND errors.notFound",
    );
    // The session reads role and area afresh: the next request is a supervisor's of that community.
    const zhou = (
      await callerFor(database, { cookie: await loginAs(database, "zhou.min", created.temporaryPassword) })
    ).caller;
    expect((await zhou.user.areas({})).area.id).toBe(other.communityId);
  });

  it("creates accounts from a spreadsheet all or nothing: every problem listed by row, then the corrected file goes in whole", async () => {
    const before = await fingerprint();
    const bad = await workbook([
      ["li.na", "李娜", "信息员", ownCode.grid, "13912345678"], // 2 fine
      ["x y", "王伟", "信息员", ownCode.grid, ""], // 3 bad username
      ["li.na", "李娜二", "信息员", ownCode.grid, ""], // 4 same as row 2
      ["chen.g", "", "组长", ownCode.grid, ""], // 5 no name, unknown role
      ["wu.f", "吴芳", "督导员", ownCode.grid, ""], // 6 a supervisor may not make supervisors
      ["zhao.l", "赵磊", "信息员", otherCode.grid, ""], // 7 outside the community
      ["sun.q", "孙倩", "信息员", "999999999999", "123"], // 8 unknown area, bad phone
      ["officer1", "重名", "信息员", ownCode.grid, ""], // 9 taken
      ["", "", "", "", ""], // 10 blank: skipped
      ["qian.j", "钱军", "网格员", Number(ownCode.grid), 13812345678], // 11 fine: numbers as typed in Excel
    ]);
    const report = await ownCommunity.user.bulkCreate({ fileName: "信息员.xlsx", data: bad });
    expect(report.read).toBe(9);
    expect(report.created).toEqual([]);
    expect(report.problems.map((p) => [p.row, p.column, p.value])).toEqual([
      [3, "用户名", "x y"],
      [4, "用户名", "li.na"],
      [5, "姓名", ""],
      [5, "角色", "组长"],
      [6, "角色", "督导员"],
      [7, "区域代码", otherCode.grid],
      [8, "区域代码", "999999999999"],
      [8, "手机", "123"],
      [9, "用户名", "officer1"],
    ]);
    expect(report.problems.find((p) => p.row === 4)?.reason).toBe("与第 2 行的用户名重复");
    expect(report.problems.find((p) => p.row === 7)?.reason).toBe(
      `区域代码 ${otherCode.grid} 不存在，或不在您的辖区内`,
    );
    expect(report.problems.find((p) => p.row === 9)?.reason).toBe("用户 officer1 已存在");
    expect(await fingerprint()).toEqual(before);

    const good = await workbook([
      ["li.na", "李娜", "信息员", ownCode.grid, "13912345678"],
      ["qian.j", "钱军", "网格员", Number(ownCode.grid), 13812345678],
      [],
      ["he.y", "何勇", "officer", ownCode.community, ""],
    ]);
    const done = await ownCommunity.user.bulkCreate({ fileName: "信息员.xlsx", data: good });
    expect(done.problems).toEqual([]);
    expect(done.created.map((u) => [u.row, u.username, u.role])).toEqual([
      [2, "li.na", "officer"],
      [3, "qian.j", "officer"],
      [5, "he.y", "officer"],
    ]);
    for (const account of done.created)
      expect(await canLogin(account.username, account.temporaryPassword)).toBe(true);
    const [qian] = await database.db.select().from(users).where(eq(users.username, "qian.j"));
    expect(qian).toMatchObject({ areaId: own.gridId, phone: "13812345678" });
    const after = await fingerprint();
    expect(after.users).toBe(before.users + 3);
    // One audit row per account, and one for the file.
    expect(after.audit).toBe(before.audit + 4);
    const [bulk] = await database.db.select().from(auditLog).where(eq(auditLog.action, "user.bulk_create"));
    expect(bulk.detail).toEqual({ file: "信息员.xlsx", rows: 3, usernames: ["li.na", "qian.j", "he.y"] });

    // The same file again: every name is taken now, and nothing changes.
    const again = await ownCommunity.user.bulkCreate({ fileName: "信息员.xlsx", data: good });
    expect(again.created).toEqual([]);
    expect(again.problems.map((p) => p.row)).toEqual([2, 3, 5]);
    expect(await fingerprint()).toEqual(after);
  });

  it("refuses a spreadsheet it cannot read, in words, and writes nothing", async () => {
    const before = await fingerprint();
    const ask = (data: string) => refusal(admin.user.bulkCreate({ fileName: "x.xlsx", data }));
    expect(await ask(Buffer.from("用户名,姓名\nzhang,张三\n").toString("base64"))).toBe(
      "BAD_REQUEST users.bulk.notXlsx",
    );
    expect(
      await ask(await workbook([["a.b", "甲", "信息员", ownCode.grid]], ["用户名", "姓名", "角色"])),
    ).toBe("BAD_REQUEST users.bulk.missingColumn");
    expect(await ask(await workbook([]))).toBe("BAD_REQUEST users.bulk.empty");
    const many = await workbook(
      Array.from({ length: 501 }, (_, i) => [`u${i}`, "某", "信息员", ownCode.grid]),
    );
    expect(await ask(many)).toBe("BAD_REQUEST users.bulk.tooManyRows");
    expect(await refusal(officer1.user.bulkCreate({ fileName: "x.xlsx", data: await workbook([]) }))).toBe(
      "FORBIDDEN",
    );
    const response = await httpMutation(
      "user.bulkCreate",
      { fileName: "x.xlsx", data: Buffer.from("not a workbook").toString("base64") },
      adminCookie,
      "en",
    );
    expect(response.status).toBe(400);
    expect(response.body.error.json.message).toBe(
      "This file cannot be read — upload an Excel workbook (.xlsx)",
    );
    expect(await fingerprint()).toEqual(before);
  });
});
