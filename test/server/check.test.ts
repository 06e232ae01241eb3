// The resident self-check on every database kind: a hit shows masked data only; every kind of miss is
// the same answer byte for byte; limits per client address and per ID number hold across instances;
// confirmations and disputes are recorded; the audit never holds an ID number in clear.

import { randomUUID } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "@/db/client";
import {
  auditLog,
  campaignAreas,
  campaigns,
  householdCodes,
  households,
  persons,
  residentFeedback,
} from "@/db/schema";
import {
  type CheckLookupInput,
  CODE_ALPHABET,
  CODE_LENGTH,
  checkDisputeInput,
  checkLookupInput,
} from "@/domain/check";
import { createTranslator } from "@/domain/i18n";
import { citizenIdCheckChar } from "@/domain/validators";
import { createContextFor } from "@/server/context";
import { AppError } from "@/server/errors";
import { checkRouter } from "@/server/routers/check";
import {
  type CheckMeta,
  DISPUTES_PER_HOUSEHOLD_PER_DAY,
  disputeHousehold,
  hashIdNumber,
  lookupHousehold,
} from "@/server/services/check";
import { ensureCodes } from "@/server/services/codes";
import { createCallerFactory, router } from "@/server/trpc";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { codeOf, fromAddress, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";

const testRouter = router({ check: checkRouter });
const createCaller = createCallerFactory(testRouter);
const BASE = "http://localhost:3000";

interface Resident {
  name: string;
  idNumber: string;
  code: string;
  householdId: string;
  personId: string;
}

/** A made-up citizen ID with a valid check character that no register row holds. */
function unknownId(n: number): string {
  const body = `44010419${String(70 + (n % 30)).padStart(2, "0")}0101${String(900 + (n % 99)).padStart(3, "0")}`;
  return body + citizenIdCheckChar(body);
}

/** A well-formed code nobody was given (codes are random; the chance of a clash is nil). */
function strayCode(n: number): string {
  return Array.from(
    { length: CODE_LENGTH },
    (_, i) => CODE_ALPHABET[(n * 7 + i * 3) % CODE_ALPHABET.length],
  ).join("");
}

let ipSeq = 0;
const freshIp = () => `198.51.100.${++ipSeq}`;

describe.each(databaseKinds)("resident self-check on %s", (kind) => {
  let database: TestDatabase;
  let campaignId: string;
  let closedCampaignId: string;
  let gridId: string;
  let residents: Resident[];
  let disputer: Resident;
  let next = 0;
  const fresh = () => residents[next++];

  const meta = (ip = freshIp(), now = new Date()): CheckMeta => ({ ip, now });
  const parse = (input: { name: string; idNumber: string; code: string }): CheckLookupInput =>
    checkLookupInput.parse(input);

  /** The HTTP answer, exactly as a browser gets it. */
  async function http(path: string, input: unknown, ip = freshIp(), method = "POST") {
    const req = new Request(`${BASE}/api/trpc/${path}`, {
      method,
      body: method === "POST" ? JSON.stringify({ json: input }) : undefined,
      headers: { "content-type": "application/json", ...fromAddress(ip) },
    });
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: testRouter,
      createContext: ({ resHeaders }) => createContextFor(database, req.headers, resHeaders),
    });
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
  }

  async function callerAt(ip: string, cookie?: string, db: Database = database) {
    const headers = new Headers(fromAddress(ip));
    if (cookie) headers.set("cookie", cookie);
    return createCaller(await createContextFor(db, headers));
  }

  async function residentsOf(campaign: string, grid?: string): Promise<Resident[]> {
    const rows = await database.db
      .select({
        name: persons.name,
        idNumber: persons.idNumber,
        code: householdCodes.code,
        householdId: persons.householdId,
        personId: persons.id,
      })
      .from(persons)
      .innerJoin(
        householdCodes,
        and(eq(householdCodes.householdId, persons.householdId), eq(householdCodes.campaignId, campaign)),
      )
      .where(and(isNull(persons.endedAt), grid ? eq(persons.gridId, grid) : undefined))
      .orderBy(persons.householdId, persons.id);
    // One member a household, so ending one household touches no other resident.
    const seen = new Set<string>();
    return rows
      .filter((row) => !seen.has(row.householdId as string) && !!seen.add(row.householdId as string))
      .map((row) => ({ ...row, householdId: row.householdId as string }));
  }

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const seeded = await seedSmallStreet(database);
    campaignId = seeded.campaignId;
    gridId = (await objectsOfOfficer(database, "officer1")).gridId;
    // A second campaign over the same street, closed: its codes have expired.
    const [closed] = await database.db
      .insert(campaigns)
      .values({ name: "上一轮核查", status: "open", startsOn: "2025-01-01" })
      .returning({ id: campaigns.id });
    closedCampaignId = closed.id;
    const areasOf = await database.db
      .select({ areaId: campaignAreas.areaId })
      .from(campaignAreas)
      .where(eq(campaignAreas.campaignId, campaignId));
    await database.db
      .insert(campaignAreas)
      .values(areasOf.map((a) => ({ campaignId: closedCampaignId, ...a })));
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it("gives every active household one code, once, from the alphabet", async () => {
    expect(await lookupMissWithoutCodes()).toBe("NOT_FOUND");
    const created = await ensureCodes(database.db, campaignId);
    const [{ active }] = await database.db
      .select({ active: sql<number>`count(*)::int` })
      .from(households)
      .where(isNull(households.endedAt));
    expect(created).toBe(active);
    expect(await ensureCodes(database.db, campaignId)).toBe(0);
    expect(await ensureCodes(database.db, closedCampaignId)).toBe(active);
    await database.db
      .update(campaigns)
      .set({ status: "closed", closedAt: new Date() })
      .where(eq(campaigns.id, closedCampaignId));
    const codes = await database.db.select({ code: householdCodes.code }).from(householdCodes);
    expect(new Set(codes.map((c) => c.code)).size).toBe(codes.length);
    for (const { code } of codes.slice(0, 200))
      expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/);
    residents = await residentsOf(campaignId, gridId);
    // Kept for the dispute, which the supervisor over officer1's grid must see.
    disputer = residents.pop() as Resident;
    const elsewhere = (await residentsOf(campaignId)).filter(
      (r) =>
        r.householdId !== disputer.householdId && !residents.some((o) => o.householdId === r.householdId),
    );
    residents.push(...elsewhere);
    expect(residents.length).toBeGreaterThan(30);
  });

  /** Before any code exists, a campaign answers like any miss. */
  async function lookupMissWithoutCodes(): Promise<string> {
    const [person] = await database.db
      .select({ name: persons.name, idNumber: persons.idNumber })
      .from(persons)
      .where(isNotNull(persons.householdId))
      .limit(1);
    try {
      await lookupHousehold(database.db, parse({ ...person, code: strayCode(1) }), meta());
      return "OK";
    } catch (error) {
      return error instanceof AppError ? error.kind : String(error);
    }
  }

  it("a hit shows the household masked, and nothing in clear", async () => {
    const r = fresh();
    // Typed as residents type: full-width, lower-case, with spaces and a dash.
    const typed = `${r.code.slice(0, 5).toLowerCase()} - ${r.code.slice(5)}`.replace(/[A-Z0-9]/g, (ch) =>
      String.fromCharCode(ch.charCodeAt(0) + 0xfee0),
    );
    const answer = await http("check.lookup", { name: ` ${r.name} `, idNumber: r.idNumber, code: typed });
    expect(answer.status).toBe(200);
    const view = JSON.parse(answer.body).result.data.json;
    expect(view.members.length).toBeGreaterThan(0);
    expect(view.address.address).not.toBe("");
    const members = await database.db.select().from(persons).where(eq(persons.householdId, r.householdId));
    for (const m of members) {
      expect(answer.body).not.toContain(m.idNumber);
      if (Array.from(m.name).length > 1) expect(answer.body).not.toContain(m.name);
      if (m.phone) expect(answer.body).not.toContain(m.phone);
      if (m.phone) expect(answer.body).not.toContain(m.phone.slice(-8));
    }
    const self = view.members.find((m: { id: string }) => m.id === r.personId);
    expect(self.idNumber).toBe(`${r.idNumber.slice(0, 3)}***********${r.idNumber.slice(-4)}`);
    expect(self.name).toMatch(/\*$/);
  });

  it("every kind of miss gets the same status and body, byte for byte", async () => {
    const [a, b, c, d] = [fresh(), fresh(), fresh(), fresh()];
    const [closedCode] = await database.db
      .select({ code: householdCodes.code })
      .from(householdCodes)
      .where(
        and(eq(householdCodes.campaignId, closedCampaignId), eq(householdCodes.householdId, c.householdId)),
      );
    await database.db.update(households).set({ endedAt: new Date() }).where(eq(households.id, d.householdId));
    const misses = {
      unknownId: { name: a.name, idNumber: unknownId(1), code: a.code },
      wrongName: { name: `${a.name}伟`, idNumber: a.idNumber, code: a.code },
      wrongCode: { name: b.name, idNumber: b.idNumber, code: strayCode(2) },
      otherHouseholdsCode: { name: b.name, idNumber: b.idNumber, code: a.code },
      malformedCode: { name: b.name, idNumber: b.idNumber, code: "0O1IL" },
      expiredCode: { name: c.name, idNumber: c.idNumber, code: closedCode.code },
      householdEnded: { name: d.name, idNumber: d.idNumber, code: d.code },
    };
    const answers = await Promise.all(Object.values(misses).map((input) => http("check.lookup", input)));
    expect(answers[0].status).toBe(404);
    expect(JSON.parse(answers[0].body).error.json).toMatchObject({
      data: { code: "NOT_FOUND", key: "check.noMatch", fieldErrors: {} },
    });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0].body).not.toContain(a.idNumber);
    // confirm and dispute miss the same way (their bodies name their own path).
    const confirm = await http("check.confirm", misses.wrongName);
    const confirm2 = await http("check.confirm", misses.expiredCode);
    expect(confirm.status).toBe(404);
    expect(confirm2).toEqual(confirm);
    // The hit that proves the misses' proofs were otherwise right.
    expect((await http("check.lookup", { name: a.name, idNumber: a.idNumber, code: a.code })).status).toBe(
      200,
    );
    // The in-process caller sees one and the same error too.
    const errors = await Promise.all(
      Object.values(misses).map(async (input) => {
        try {
          await (await callerAt(freshIp())).check.lookup(input);
          return null;
        } catch (error) {
          return JSON.stringify({ ...(error as object), message: (error as Error).message });
        }
      }),
    );
    for (const error of errors) expect(error).toBe(errors[0]);
  });

  it("takes POST only", async () => {
    const r = fresh();
    const input = encodeURIComponent(
      JSON.stringify({ json: { name: r.name, idNumber: r.idNumber, code: r.code } }),
    );
    const answer = await http(`check.lookup?input=${input}`, undefined, freshIp(), "GET");
    expect(answer.status).toBe(405);
  });

  it("allows 5 lookups a minute from one client address", async () => {
    const ip = freshIp();
    const now = new Date();
    const r = fresh();
    for (let i = 0; i < 5; i++) {
      await expect(
        lookupHousehold(
          database.db,
          parse({ name: r.name, idNumber: unknownId(10 + i), code: r.code }),
          meta(ip, now),
        ),
      ).rejects.toMatchObject({ kind: "NOT_FOUND" });
    }
    // The sixth is refused even with the right proof; a minute later it goes through.
    await expect(lookupHousehold(database.db, parse(r), meta(ip, now))).rejects.toMatchObject({
      kind: "TOO_MANY_REQUESTS",
      key: "check.tooMany",
      params: { minutes: 1 },
    });
    const later = new Date(now.getTime() + 61_000);
    await expect(lookupHousehold(database.db, parse(r), meta(ip, later))).resolves.toHaveProperty("members");
  });

  it("slows an ID number down at its eleventh failure in a day, from any address, for a minute", async () => {
    const r = fresh();
    const now = new Date();
    for (let i = 0; i < 10; i++) {
      await expect(
        lookupHousehold(database.db, parse({ ...r, code: strayCode(20 + i) }), meta(freshIp(), now)),
      ).rejects.toMatchObject({ kind: "NOT_FOUND" });
    }
    const refusal = await http("check.lookup", { name: r.name, idNumber: r.idNumber, code: r.code });
    expect(refusal.status).toBe(429);
    const body = JSON.parse(refusal.body);
    expect(body.error.json.data.key).toBe("check.tooMany");
    expect(body.error.json.message).toContain("1 分钟");
    expect(refusal.body).not.toContain(r.idNumber);
    // Another ID number from the same addresses is not affected.
    const other = fresh();
    await expect(lookupHousehold(database.db, parse(other), meta(freshIp(), now))).resolves.toHaveProperty(
      "members",
    );
    // A minute on, the resident with the right proof gets through (test/server/throttle.test.ts
    // follows a stranger who keeps at it).
    const later = new Date(now.getTime() + 61_000);
    await expect(lookupHousehold(database.db, parse(r), meta(freshIp(), later))).resolves.toHaveProperty(
      "members",
    );
  });

  it.runIf(kind === "postgresql")("shares its limits between two instances on one database", async () => {
    const second = await openDatabase({ kind: "postgresql", url: database.url as string, poolSize: 2 });
    try {
      const ip = freshIp();
      const now = new Date();
      const r = fresh();
      for (let i = 0; i < 5; i++) {
        const db = i % 2 === 0 ? database.db : second.db;
        await expect(
          lookupHousehold(db, parse({ ...r, code: strayCode(40 + i) }), meta(ip, now)),
        ).rejects.toMatchObject({ kind: "NOT_FOUND" });
      }
      await expect(lookupHousehold(second.db, parse(r), meta(ip, now))).rejects.toMatchObject({
        kind: "TOO_MANY_REQUESTS",
      });
      // Five more failures for the same ID number elsewhere, split between the instances: then locked.
      for (let i = 0; i < 5; i++) {
        const db = i % 2 === 0 ? second.db : database.db;
        await expect(
          lookupHousehold(db, parse({ ...r, code: strayCode(50 + i) }), meta(freshIp(), now)),
        ).rejects.toMatchObject({ kind: "NOT_FOUND" });
      }
      await expect(lookupHousehold(database.db, parse(r), meta(freshIp(), now))).rejects.toMatchObject({
        kind: "TOO_MANY_REQUESTS",
      });
      // Concurrent attempts from one address on both instances: never more than five get through.
      const burstIp = freshIp();
      const burst = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          lookupHousehold(
            i % 2 ? second.db : database.db,
            parse({ ...fresh(), code: strayCode(60 + i) }),
            meta(burstIp, now),
          ).then(
            () => "OK",
            (error: AppError) => error.kind,
          ),
        ),
      );
      expect(burst.filter((k) => k !== "TOO_MANY_REQUESTS").length).toBeLessThanOrEqual(5);
    } finally {
      await second.close();
    }
  });

  it("records a confirmation and a dispute, which supervisors see in their area", async () => {
    const r = disputer;
    const caller = await callerAt(freshIp());
    const confirmed = await caller.check.confirm({ name: r.name, idNumber: r.idNumber, code: r.code });
    expect(confirmed.kind).toBe("confirm");
    const view = await (await callerAt(freshIp())).check.lookup({
      name: r.name,
      idNumber: r.idNumber,
      code: r.code,
    });
    expect(view.state.feedback?.kind).toBe("confirm");

    const disputed = await (await callerAt(freshIp())).check.dispute({
      name: r.name,
      idNumber: r.idNumber,
      code: r.code,
      fields: [
        { personId: r.personId, field: "phone", comment: "号码已更换" },
        { personId: null, field: "members", comment: "女儿已迁出" },
      ],
      comment: "请联系我",
      phone: "138 1234 5678",
    });
    expect(disputed.kind).toBe("dispute");
    const rows = await database.db
      .select()
      .from(residentFeedback)
      .where(eq(residentFeedback.householdId, r.householdId));
    expect(rows.map((row) => row.kind).sort()).toEqual(["confirm", "dispute"]);
    const dispute = rows.find((row) => row.kind === "dispute");
    expect(dispute).toMatchObject({ campaignId, phone: "13812345678", comment: "请联系我", handledAt: null });
    expect(dispute?.fields).toHaveLength(2);

    // A member of another household cannot be named.
    expect(
      await codeOf(
        (await callerAt(freshIp())).check.dispute({
          name: r.name,
          idNumber: r.idNumber,
          code: r.code,
          fields: [{ personId: randomUUID(), field: "name", comment: "" }],
        }),
      ),
    ).toBe("BAD_REQUEST");

    const supervisor = await callerAt(freshIp(), await loginAs(database, "supervisor"));
    const list = await supervisor.check.disputes({});
    const mine = list.find((row) => row.id === disputed.id);
    expect(mine).toBeDefined();
    expect(mine?.phone).toBe("138****5678");
    expect(JSON.stringify(list)).not.toContain("13812345678");
    const officer = await callerAt(freshIp(), await loginAs(database, "officer1"));
    expect(await codeOf(officer.check.disputes({}))).toBe("FORBIDDEN");
    expect(await codeOf((await callerAt(freshIp())).check.disputes({}))).toBe("UNAUTHORIZED");
    // The member named is shown by masked name only.
    expect(mine?.fields).toEqual([
      {
        personId: r.personId,
        personName: expect.stringMatching(/\*/),
        field: "phone",
        comment: "号码已更换",
      },
      { personId: null, personName: null, field: "members", comment: "女儿已迁出" },
    ]);
    expect(mine?.fields[0].personName).not.toBe(r.name);

    // Handling needs a note; it stamps the row (so the officer's next pull sees it) and is audited once.
    expect(await codeOf(supervisor.check.handle({ id: disputed.id, note: "  " }))).toBe("BAD_REQUEST");
    const before = await database.db
      .select({ xid: residentFeedback.changeXid, version: residentFeedback.version })
      .from(residentFeedback)
      .where(eq(residentFeedback.id, disputed.id));
    const handled = await supervisor.check.handle({ id: disputed.id, note: "已电话联系，周五复访" });
    expect(handled.handledNote).toBe("已电话联系，周五复访");
    const after = await database.db
      .select({ xid: residentFeedback.changeXid, version: residentFeedback.version })
      .from(residentFeedback)
      .where(eq(residentFeedback.id, disputed.id));
    expect(after[0].version).toBe(before[0].version + 1);
    expect(after[0].xid > before[0].xid).toBe(true);
    // A second handling keeps the first answer.
    expect((await supervisor.check.handle({ id: disputed.id, note: "另一说明" })).handledNote).toBe(
      "已电话联系，周五复访",
    );
    expect((await supervisor.check.disputes({})).map((row) => row.id)).not.toContain(disputed.id);
    expect(
      (await supervisor.check.disputes({ includeHandled: true })).find((row) => row.id === disputed.id),
    ).toMatchObject({ handledNote: "已电话联系，周五复访" });
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "dispute_handled"), eq(auditLog.entityId, disputed.id)));
    expect(audits).toHaveLength(1);
    // Unknown ids and officers get nowhere.
    expect(await codeOf(supervisor.check.handle({ id: randomUUID(), note: "x" }))).toBe("NOT_FOUND");
    expect(await codeOf(officer.check.handle({ id: disputed.id, note: "x" }))).toBe("FORBIDDEN");
  });

  const disputeOf = (r: Resident, comment = "") =>
    checkDisputeInput.parse({
      name: r.name,
      idNumber: r.idNumber,
      code: r.code,
      fields: [{ personId: null, field: "address", comment }],
    });
  const disputesOf = async (r: Resident) =>
    (
      await database.db
        .select({ id: residentFeedback.id })
        .from(residentFeedback)
        .where(and(eq(residentFeedback.householdId, r.householdId), eq(residentFeedback.kind, "dispute")))
    ).length;

  it("takes a household's disputes up to a limit a day, refusing more in words and writing nothing", async () => {
    const r = fresh();
    for (let i = 0; i < DISPUTES_PER_HOUSEHOLD_PER_DAY; i++) {
      await disputeHousehold(database.db, disputeOf(r, `第${i}次`), meta());
    }
    expect(await disputesOf(r)).toBe(DISPUTES_PER_HOUSEHOLD_PER_DAY);
    const refused = await disputeHousehold(database.db, disputeOf(r, "再一次"), meta()).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ kind: "TOO_MANY_REQUESTS", key: "check.disputeLimit" });
    const { key, params } = refused as AppError;
    expect(createTranslator("zh-CN")(key, params)).toBe(
      `这一户今天已提交 ${DISPUTES_PER_HOUSEHOLD_PER_DAY} 次异议，已达每天的上限。社区工作人员会逐条处理；如有新的情况，请明天再提交，或直接联系社区工作人员。`,
    );
    expect(createTranslator("en")(key, params)).toBe(
      `This household has already sent ${DISPUTES_PER_HOUSEHOLD_PER_DAY} disputes today, the most a day. Community staff will look at each one; please send anything new tomorrow, or contact community staff directly.`,
    );
    expect(await disputesOf(r)).toBe(DISPUTES_PER_HOUSEHOLD_PER_DAY);
    // Over HTTP it is a 429 in the resident's language, not a 5xx.
    const answer = await http("check.dispute", {
      name: r.name,
      idNumber: r.idNumber,
      code: r.code,
      fields: [{ personId: null, field: "address", comment: "" }],
    });
    expect(answer.status).toBe(429);
    expect(JSON.parse(answer.body).error.json.message).toContain("已达每天的上限");
    expect(await disputesOf(r)).toBe(DISPUTES_PER_HOUSEHOLD_PER_DAY);
  });

  it("counts a household's disputes by the calendar day in China", async () => {
    const r = fresh();
    // 23:30 one day in China (UTC+8), then 00:10 the next.
    const late = new Date("2030-05-06T15:30:00Z");
    const nextMorning = new Date("2030-05-06T16:10:00Z");
    for (let i = 0; i < DISPUTES_PER_HOUSEHOLD_PER_DAY; i++) {
      await disputeHousehold(database.db, disputeOf(r), meta(freshIp(), late));
    }
    expect(await codeOf(disputeHousehold(database.db, disputeOf(r), meta(freshIp(), late)))).toBe(
      "TOO_MANY_REQUESTS",
    );
    await disputeHousehold(database.db, disputeOf(r), meta(freshIp(), nextMorning));
    expect(await disputesOf(r)).toBe(DISPUTES_PER_HOUSEHOLD_PER_DAY + 1);
  });

  it.runIf(kind === "postgresql")("holds the daily limit for a burst of disputes at once", async () => {
    const r = fresh();
    const input = disputeOf(r);
    const now = new Date("2030-06-01T04:00:00Z");
    const outcomes = await Promise.allSettled(
      // Fewer than the ID number's 10 free failures: each attempt counts as one until its proof is seen.
      Array.from({ length: 3 * DISPUTES_PER_HOUSEHOLD_PER_DAY }, () =>
        disputeHousehold(database.db, input, meta(freshIp(), now)),
      ),
    );
    const kept = outcomes.filter((o) => o.status === "fulfilled").length;
    expect(kept).toBe(DISPUTES_PER_HOUSEHOLD_PER_DAY);
    for (const o of outcomes)
      if (o.status === "rejected") expect(o.reason).toMatchObject({ key: "check.disputeLimit" });
    expect(await disputesOf(r)).toBe(DISPUTES_PER_HOUSEHOLD_PER_DAY);
  });

  it("audits every lookup without an ID number in clear", async () => {
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.action, "resident_lookup"));
    const results = new Set(entries.map((e) => (e.detail as { result: string }).result));
    expect(results).toEqual(new Set(["hit", "miss", "throttled"]));
    const text = JSON.stringify(entries);
    const ids = await database.db.select({ idNumber: persons.idNumber }).from(persons);
    for (const { idNumber } of ids) expect(text).not.toContain(idNumber);
    expect(entries.every((e) => /^[0-9a-f]{64}$/.test((e.detail as { idHash: string }).idHash))).toBe(true);
    expect(
      entries.some((e) => (e.detail as { idHash: string }).idHash === hashIdNumber(disputer.idNumber)),
    ).toBe(true);
  });
});
