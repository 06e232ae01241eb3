// Campaign questionnaires on every database kind: an administrator's XLSX upload through the route
// (a clean workbook becomes the next version and is audited; a faulty one is refused with every
// problem, translated, and stores nothing; someone else's campaign is not found), and the version in
// force as the campaign view reads it.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is XLSForm's reference syntax.

import { and, count, desc, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/questionnaires/route";
import type { Database } from "@/db/client";
import { areas, attachments, auditLog, questionnaires, users, visitAttachments, visits } from "@/db/schema";
import { parseDefinition, sheetRows, type Workbook } from "@/domain/questionnaire";
import { hashPassword } from "@/server/auth/password";
import { publishedDefinitions, readWorkbook } from "@/server/services/questionnaires";
import { ELDERLY_ANSWERS, elderlyHealth } from "../domain/questionnaire/fixtures/elderly-health";
import { databaseKinds, openTestDatabase } from "../support/db";
import {
  addAdmin,
  callerFor,
  codeOf,
  DEMO_PASSWORD,
  loginAs,
  objectsOfOfficer,
  seedSmallStreet,
} from "../support/fixture";
import { visitMutation } from "../support/push";
import { workbookXlsx } from "../support/questionnaire";
import { BASE, SAME_ORIGIN } from "../support/routes";

/** The elderly form with three mistakes: an unknown type, a duplicate name, a bad expression. */
const broken: Workbook = {
  ...elderlyHealth,
  survey: sheetRows([
    ["type", "name", "label::zh", "label::en", "constraint"],
    ["text", "name", "姓名", "Name", ""],
    ["rating", "score", "评分", "Score", ""],
    ["integer", "name", "年龄", "Age", ". > ("],
  ]),
};

describe.each(databaseKinds)("questionnaire upload on %s", (kind) => {
  let database: Database;
  let campaignId: string;
  let adminCookie: string;
  let communityAdminCookie: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    campaignId = (await seedSmallStreet(database)).campaignId;
    globalThis.__doorstepDatabase = Promise.resolve(database);
    adminCookie = await loginAs(database, "admin");
    // An administrator of one community: the street's campaign is not wholly theirs.
    const [community] = await database.db
      .select({ id: areas.id })
      .from(areas)
      .where(eq(areas.level, "community"))
      .limit(1);
    await addAdmin(database, "community-admin", community.id);
    communityAdminCookie = await loginAs(database, "community-admin");
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  function upload(
    body: Uint8Array,
    cookie: string,
    options: { name?: string; locale?: string; campaign?: string } = {},
  ) {
    const query = new URLSearchParams({
      campaign: options.campaign ?? campaignId,
      name: options.name ?? "老年人健康档案.xlsx",
    });
    const init: RequestInit & { duplex?: "half" } = {
      method: "POST",
      body: body as BodyInit,
      duplex: "half",
      headers: {
        ...SAME_ORIGIN,
        "content-type": "application/octet-stream",
        cookie: `${cookie}; doorstep_locale=${options.locale ?? "zh-CN"}`,
      },
    };
    return POST(new Request(`${BASE}/api/questionnaires?${query}`, init));
  }

  const adminCaller = async () => (await callerFor(database, { cookie: adminCookie })).caller;
  const stored = async () => (await database.db.select({ n: count() }).from(questionnaires))[0].n;
  const audited = async () =>
    (
      await database.db
        .select({ n: count() })
        .from(auditLog)
        .where(eq(auditLog.action, "questionnaire.upload"))
    )[0].n;

  it("refuses a faulty workbook with every problem, in the caller's language, and stores nothing", async () => {
    const before = { stored: await stored(), audited: await audited() };
    const response = await upload(await workbookXlsx(broken), adminCookie, { locale: "en" });
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.ok).toBe(false);
    const messages: string[] = body.problems.map((p: { message: string }) => p.message);
    expect(
      body.problems.map((p: { sheet: string; row: number; cell: string }) => `${p.sheet}!${p.cell}`),
    ).toEqual(expect.arrayContaining(["survey!A3", "survey!B4", "survey!E4"]));
    expect(messages.some((m) => m.includes("rating"))).toBe(true);
    expect(messages).toContain(
      "Sheet survey, row 4, column “name” (B4): The name “name” is already used in row 2: every name must be unique",
    );
    expect(messages.join("\n")).not.toMatch(/questionnaire\.def\./);
    expect({ stored: await stored(), audited: await audited() }).toEqual(before);
  });

  it("a phone's pull carries the questionnaire only when its version changed", async () => {
    const officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    const drain = async (cursor: string | null) => {
      const pages = [];
      for (;;) {
        const page = await officer.sync.pull({ cursor });
        pages.push(page);
        cursor = page.cursor;
        if (!page.hasMore) return { pages, cursor };
      }
    };
    // A fresh phone is told the campaign has none yet (on the first page only).
    const first = await drain(null);
    expect(first.pages[0].questionnaire).toBeNull();
    expect(first.pages.slice(1).every((page) => !("questionnaire" in page))).toBe(true);
    expect("questionnaire" in (await officer.sync.pull({ cursor: first.cursor }))).toBe(false);

    expect((await upload(await workbookXlsx(elderlyHealth), adminCookie)).status).toBe(200);
    // A draft reaches no phone: nothing changes until it is published.
    const drafted = await officer.sync.pull({ cursor: first.cursor });
    expect("questionnaire" in drafted).toBe(false);
    const admin = (await callerFor(database, { cookie: adminCookie })).caller;
    await admin.campaign.publishQuestionnaire({ campaignId, version: 1 });
    const next = await officer.sync.pull({ cursor: drafted.cursor });
    expect(next.questionnaire).toMatchObject({
      version: 1,
      title: "老年人健康档案",
      definition: { format: 1, settings: { formId: "elderly_health" } },
    });
    const again = await officer.sync.pull({ cursor: next.cursor });
    expect("questionnaire" in again).toBe(false);
  });

  it("takes a clean workbook as a draft (replaced by the next upload), in force only once published, audited", async () => {
    const admin = (await callerFor(database, { cookie: adminCookie })).caller;
    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    const actions = async (action: string) =>
      (await database.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, action)))[0].n;
    const before = { uploads: await audited(), published: await actions("questionnaire.publish") };
    const bytes = await workbookXlsx(elderlyHealth);
    const first = await upload(bytes, adminCookie);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      ok: true,
      version: 2,
      title: "老年人健康档案",
      questions: 19,
      publishedAt: null,
    });
    // The draft is no version yet: the campaign still asks version 1, its list and download stop there.
    expect(await supervisor.campaign.questionnaire({ id: campaignId })).toMatchObject({ version: 1 });
    expect(
      (await supervisor.campaign.questionnaireVersions({ id: campaignId })).map((v) => v.version),
    ).toEqual([1]);
    expect(await codeOf(supervisor.campaign.questionnaireDraft({ id: campaignId }))).toBe("FORBIDDEN");
    expect((await download(adminCookie, 2)).status).toBe(404);

    // A second upload replaces the draft, keeping its number.
    const second = await upload(bytes, adminCookie, { name: "C:\\表格\\老年人健康档案-v2.xlsx" });
    expect(await second.json()).toMatchObject({ ok: true, version: 2, sourceFile: "老年人健康档案-v2.xlsx" });
    const draft = await admin.campaign.questionnaireDraft({ id: campaignId });
    expect(draft).toMatchObject({ version: 2, publishedAt: null, sourceFile: "老年人健康档案-v2.xlsx" });
    expect(draft?.definition).toMatchObject({ format: 1, settings: { formId: "elderly_health" } });
    expect(
      (await database.db.select().from(questionnaires).where(eq(questionnaires.campaignId, campaignId)))
        .length,
    ).toBe(2);

    const published = await admin.campaign.publishQuestionnaire({ campaignId, version: 2 });
    expect(published.publishedAt).toBeInstanceOf(Date);
    expect(await supervisor.campaign.questionnaire({ id: campaignId })).toMatchObject({
      version: 2,
      title: "老年人健康档案",
      questions: 19,
    });
    expect(await admin.campaign.questionnaireDraft({ id: campaignId })).toBeNull();
    // A published version never changes: publishing again, or discarding it, is refused.
    expect(await codeOf(admin.campaign.publishQuestionnaire({ campaignId, version: 2 }))).toBe("CONFLICT");
    expect(await codeOf(admin.campaign.discardQuestionnaireDraft({ campaignId, version: 2 }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(admin.campaign.publishQuestionnaire({ campaignId, version: 7 }))).toBe("NOT_FOUND");

    // The next upload is draft 3, which the administrator discards: version 2 stays in force.
    expect(await (await upload(bytes, adminCookie)).json()).toMatchObject({ ok: true, version: 3 });
    expect(await admin.campaign.discardQuestionnaireDraft({ campaignId, version: 3 })).toEqual({
      version: 3,
    });
    expect(await admin.campaign.questionnaireDraft({ id: campaignId })).toBeNull();
    expect(await supervisor.campaign.questionnaire({ id: campaignId })).toMatchObject({ version: 2 });
    expect(await actions("questionnaire.discard")).toBe(1);
    expect({ uploads: await audited(), published: await actions("questionnaire.publish") }).toEqual({
      uploads: before.uploads + 3,
      published: before.published + 1,
    });
    // Someone else's campaign: not found, and nothing published.
    const communityAdmin = (await callerFor(database, { cookie: communityAdminCookie })).caller;
    expect(await upload(bytes, adminCookie)).toMatchObject({ status: 200 });
    expect(await codeOf(communityAdmin.campaign.publishQuestionnaire({ campaignId, version: 3 }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(communityAdmin.campaign.questionnaireDraft({ id: campaignId }))).toBe("NOT_FOUND");
    expect(await admin.campaign.discardQuestionnaireDraft({ campaignId, version: 3 })).toEqual({
      version: 3,
    });
  });

  it("refuses an administrator whose area does not hold the whole campaign, other roles, and non-workbooks", async () => {
    const before = await stored();
    const bytes = await workbookXlsx(elderlyHealth);
    expect((await upload(bytes, communityAdminCookie)).status).toBe(404);
    expect((await upload(bytes, await loginAs(database, "supervisor"))).status).toBe(403);
    expect((await upload(bytes, adminCookie, { name: "form.csv" })).status).toBe(400);
    const notXlsx = await upload(new TextEncoder().encode("type,name\ntext,a"), adminCookie);
    expect(notXlsx.status).toBe(400);
    expect((await notXlsx.json()).error.key).toBe("questionnaireUpload.unreadable");
    expect(await stored()).toBe(before);
    // Reading the version in force needs only to see the campaign, which overlaps their community.
    const communityAdmin = (await callerFor(database, { cookie: communityAdminCookie })).caller;
    expect(await codeOf(communityAdmin.campaign.questionnaire({ id: campaignId }))).toBe("OK");
  });

  it("the push checks each visit's answers against its version: a failing constraint rejects that visit alone", async () => {
    const officer = (
      await callerFor(database, { cookie: `${await loginAs(database, "officer1")}; doorstep_locale=en` })
    ).caller;
    const own = await objectsOfOfficer(database, "officer1");
    const [{ version }] = await database.db
      .select({ version: questionnaires.version })
      .from(questionnaires)
      .where(eq(questionnaires.campaignId, campaignId))
      .orderBy(questionnaires.version)
      .limit(1);
    const answered = (answers: Record<string, unknown>, questionnaireVersion = version) => {
      const mutation = visitMutation({
        gridId: own.gridId,
        roomId: own.roomId,
        campaignId,
        subjectType: "household",
        subjectId: own.householdId,
        visitedAt: "2026-11-20T10:00:00+08:00",
      });
      Object.assign(mutation.payload.visit, { answers, questionnaireVersion });
      return mutation;
    };
    // Over a year since the last check at the visit's time: booking one is asked (and answered).
    const good = answered({ ...ELDERLY_ANSWERS, book_check: "no", needs: "alarm", meal_frequency: "daily" });
    const badConstraint = answered({
      ...ELDERLY_ANSWERS,
      book_check: "no",
      contact_phone: ELDERLY_ANSWERS.phone,
    });
    const unknownVersion = answered({ ...ELDERLY_ANSWERS, book_check: "no" }, 99);
    const plain = visitMutation({ gridId: own.gridId, roomId: own.roomId, campaignId });
    const { results } = await officer.sync.push({
      deviceId: crypto.randomUUID(),
      mutations: [good, badConstraint, unknownVersion, plain],
    });
    expect(results.map((r) => r.status)).toEqual(["applied", "rejected", "rejected", "applied"]);
    expect(results[1]).toMatchObject({
      key: "questionnaire.push.refused",
      field: "visit.answers.contact_phone",
      message:
        "Questionnaire, “Emergency contact's phone”: The emergency contact's phone must differ from the resident's own",
    });
    expect(results[2]).toMatchObject({
      key: "questionnaire.push.unknownVersion",
      field: "visit.questionnaireVersion",
    });

    const stored = await database.db
      .select({ id: visits.id, answers: visits.answers, questionnaireVersion: visits.questionnaireVersion })
      .from(visits)
      .where(eq(visits.campaignId, campaignId));
    const byId = new Map(stored.map((row) => [row.id, row]));
    expect(byId.has(badConstraint.id)).toBe(false);
    expect(byId.has(unknownVersion.id)).toBe(false);
    // Stored cleaned: the meal frequency no longer applies, calculations as their text.
    expect(byId.get(good.id)?.questionnaireVersion).toBe(version);
    expect(byId.get(good.id)?.answers).toMatchObject({
      needs: "alarm",
      medication_count: "2",
      consent: "OK",
    });
    expect(byId.get(good.id)?.answers).not.toHaveProperty("meal_frequency");
    expect(byId.get(plain.id)).toMatchObject({ answers: null, questionnaireVersion: null });

    // Version 1 was answered above while version 2 is in force: accepted. A draft is no version a
    // phone can hold: answers naming it are refused, and taken once it is published.
    const drafted = await (await upload(await workbookXlsx(elderlyHealth), adminCookie)).json();
    const inDraft = answered({ ...ELDERLY_ANSWERS, book_check: "no" }, drafted.version);
    const refused = await officer.sync.push({ deviceId: crypto.randomUUID(), mutations: [inDraft] });
    expect(refused.results[0]).toMatchObject({
      status: "rejected",
      key: "questionnaire.push.unknownVersion",
    });
    await (await adminCaller()).campaign.publishQuestionnaire({ campaignId, version: drafted.version });
    const taken = await officer.sync.push({ deviceId: crypto.randomUUID(), mutations: [inDraft] });
    expect(taken.results[0].status).toBe("applied");
  });

  it("the review lists the answers as label → answer in words, in the version's labels, personal ones masked", async () => {
    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    const [answered] = await database.db
      .select({ id: visits.id })
      .from(visits)
      .where(and(eq(visits.campaignId, campaignId), isNotNull(visits.answers)));
    const words = (
      lines: { label: Record<string, string>; value?: Record<string, string>; row?: number }[],
    ) =>
      lines.map(
        (line) => `${line.label["zh-CN"]}${line.row ? `#${line.row}` : ""}: ${line.value?.["zh-CN"] ?? ""}`,
      );
    const masked = await supervisor.review.visit({ id: answered.id });
    expect(masked.questionnaire).toMatchObject({ version: 1, title: "老年人健康档案" });
    const lines = words(masked.questionnaire?.lines ?? []);
    expect(lines).toEqual(
      expect.arrayContaining([
        "基本情况: ",
        "生活自理能力: 部分自理",
        "患有的慢性病: 高血压、其他",
        "请注明其他: 骨质疏松",
        "服务需求: 紧急呼叫",
        "长期用药#1: ",
        "第 1 种药的药名: 硝苯地平",
        "已告知居民建档用途，居民同意建档: 已确认",
      ]),
    );
    // The resident's phone is masked until the reviewer reveals the visit.
    expect(lines.find((line) => line.startsWith("本人联系电话"))).not.toContain("13812345678");
    const revealed = await supervisor.review.reveal({ id: answered.id });
    expect(words(revealed.questionnaire?.lines ?? [])).toContain("本人联系电话: 13812345678");
    const english = masked.questionnaire?.lines.find((line) => line.name === "insurance_type");
    expect(english).toMatchObject({
      label: { en: "Health insurance" },
      value: { en: "Residents' insurance" },
    });
  });

  function download(cookie: string, version: number | string, campaign = campaignId) {
    const query = new URLSearchParams({ campaign, version: String(version) });
    return GET(new Request(`${BASE}/api/questionnaires?${query}`, { headers: { ...SAME_ORIGIN, cookie } }));
  }

  it("any version downloads again as an XLSX that uploads to the same definition, audited", async () => {
    const uploaded = await upload(await workbookXlsx(elderlyHealth), adminCookie, { name: "健康.xlsx" });
    const { version } = await uploaded.json();
    await (await adminCaller()).campaign.publishQuestionnaire({ campaignId, version });
    const [stored] = await database.db
      .select()
      .from(questionnaires)
      .where(and(eq(questionnaires.campaignId, campaignId), eq(questionnaires.version, version)));
    const downloads = async () =>
      (
        await database.db
          .select({ n: count() })
          .from(auditLog)
          .where(eq(auditLog.action, "questionnaire.download"))
      )[0].n;
    const before = await downloads();

    // A supervisor over the street sees the campaign, so may download it.
    const response = await download(await loginAs(database, "supervisor"), version);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("spreadsheetml");
    expect(response.headers.get("content-disposition")).toContain(
      `filename*=UTF-8''${encodeURIComponent(`老年人健康档案-v${version}.xlsx`)}`,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    const workbook = await readWorkbook(bytes);
    expect(Object.keys(workbook)).toEqual(["survey", "choices", "settings"]);
    const parsed = parseDefinition(workbook);
    expect(parsed.ok && parsed.definition).toEqual(stored.definition);
    expect(await downloads()).toBe(before + 1);

    // Uploaded again, it is the next version with the very same definition.
    const again = await (await upload(bytes, adminCookie, { name: "老年人健康档案-v2.xlsx" })).json();
    expect(again).toMatchObject({ ok: true, version: version + 1, title: "老年人健康档案" });
    const [next] = await database.db
      .select()
      .from(questionnaires)
      .where(and(eq(questionnaires.campaignId, campaignId), eq(questionnaires.version, version + 1)));
    expect(next.definition).toEqual(stored.definition);
  });

  it("a version download is refused to officers, outside the area and for a version that does not exist", async () => {
    expect((await download(await loginAs(database, "officer1"), 1)).status).toBe(403);
    expect((await download(adminCookie, 999)).status).toBe(404);
    expect((await download(adminCookie, "x")).status).toBe(400);
    // A supervisor of another community: the demo questionnaire campaigns cover 祝寿巷社区 alone.
    const [other] = await database.db
      .select({ id: areas.id })
      .from(areas)
      .where(and(eq(areas.level, "community"), eq(areas.code, "440104007101")));
    await database.db.insert(users).values({
      username: "other-supervisor",
      displayName: "其他督导",
      passwordHash: await hashPassword(DEMO_PASSWORD),
      role: "supervisor",
      areaId: other.id,
    });
    const [seeded] = await database.db
      .select({ campaignId: questionnaires.campaignId })
      .from(questionnaires)
      .where(eq(questionnaires.sourceFile, "失业人员就业情况.xlsx"));
    const otherCookie = await loginAs(database, "other-supervisor");
    expect((await download(otherCookie, 1, seeded.campaignId)).status).toBe(404);
    // The seeded version itself downloads for the administrator, and reads back as stored.
    const response = await download(adminCookie, 1, seeded.campaignId);
    expect(response.status).toBe(200);
    const parsed = parseDefinition(await readWorkbook(new Uint8Array(await response.arrayBuffer())));
    expect(parsed.ok && parsed.definition.settings.formId).toBe("unemployed_interview");
  });

  it("the push's definitions are kept in the process: one object per published version, never a draft", async () => {
    const [inForce] = await database.db
      .select({ version: questionnaires.version, definition: questionnaires.definition })
      .from(questionnaires)
      .where(and(eq(questionnaires.campaignId, campaignId), isNotNull(questionnaires.publishedAt)))
      .orderBy(desc(questionnaires.version))
      .limit(1);
    const key = `${campaignId}|${inForce.version}`;
    const first = await publishedDefinitions(database.db, [campaignId], [inForce.version]);
    expect(first.get(key)).toEqual(inForce.definition);
    // The same object again, so the evaluator's compiled form (kept per definition object) is reused.
    const second = await publishedDefinitions(database.db, [campaignId], [inForce.version]);
    expect(second.get(key)).toBe(first.get(key));

    // A draft is not served, and not remembered as missing either: once published, it is.
    const draft = (await (await upload(await workbookXlsx(elderlyHealth), adminCookie)).json()) as {
      version: number;
    };
    const draftKey = `${campaignId}|${draft.version}`;
    expect((await publishedDefinitions(database.db, [campaignId], [draft.version])).has(draftKey)).toBe(
      false,
    );
    const admin = await adminCaller();
    await admin.campaign.publishQuestionnaire({ campaignId, version: draft.version });
    const now = await publishedDefinitions(database.db, [campaignId], [inForce.version, draft.version]);
    expect([...now.keys()].sort()).toEqual([key, draftKey].sort());
    expect(now.get(key)).toBe(first.get(key));
  });

  it("an image question is answered with a photo: the push waits for every photo the answers name, and keeps each with the visit", async () => {
    const photoForm: Workbook = {
      survey: sheetRows([
        ["type", "name", "label::zh", "label::en"],
        ["image", "front", "门牌照片", "Door photo"],
        ["begin_repeat", "rooms", "房间", "Rooms"],
        ["image", "room_photo", "房间照片", "Room photo"],
        ["end_repeat", "", "", ""],
      ]),
      choices: sheetRows([["list_name", "name", "label::zh", "label::en"]]),
      settings: sheetRows([
        ["form_title::zh", "form_title::en", "form_id", "version", "default_language"],
        ["照片题", "Photo questions", "photos", "1", "zh"],
      ]),
    };
    const drafted = (await (
      await upload(await workbookXlsx(photoForm), adminCookie, { name: "照片题.xlsx" })
    ).json()) as {
      version: number;
    };
    await (await adminCaller()).campaign.publishQuestionnaire({ campaignId, version: drafted.version });
    const officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    const own = await objectsOfOfficer(database, "officer1");
    const [front, room1, room2] = ["c", "d", "e"].map((c) => c.repeat(64));
    const mutation = visitMutation({
      gridId: own.gridId,
      roomId: own.roomId,
      campaignId,
      subjectType: "household",
      subjectId: own.householdId,
      visitedAt: "2026-11-21T10:00:00+08:00",
    });
    Object.assign(mutation.payload.visit, {
      answers: { front, rooms: [{ room_photo: room1 }, { room_photo: room2 }, { room_photo: room1 }] },
      questionnaireVersion: drafted.version,
    });
    const push = async () =>
      (await officer.sync.push({ deviceId: crypto.randomUUID(), mutations: [mutation] })).results[0];
    const [me] = await database.db.select({ id: users.id }).from(users).where(eq(users.username, "officer1"));
    const uploaded = (sha256: string) =>
      database.db.insert(attachments).values({
        sha256,
        mime: "image/jpeg",
        bytes: 3,
        data: new Uint8Array([0xff, 0xd8, 0xff]),
        uploadedBy: me.id,
        gridId: own.gridId,
      });

    expect(await push()).toMatchObject({ status: "rejected", key: "sync.photoMissing" });
    // Two of the three: the one in the second repeat row is still missing.
    await uploaded(front);
    await uploaded(room1);
    expect(await push()).toMatchObject({ status: "rejected", key: "sync.photoMissing" });
    await uploaded(room2);
    expect(await push()).toMatchObject({ status: "applied" });

    const kept = await database.db
      .select({ sha256: visitAttachments.sha256, kind: visitAttachments.kind })
      .from(visitAttachments)
      .where(eq(visitAttachments.visitId, mutation.id));
    expect(kept.sort((a, b) => a.sha256.localeCompare(b.sha256))).toEqual([
      { sha256: front, kind: "answer" },
      { sha256: room1, kind: "answer" },
      { sha256: room2, kind: "answer" },
    ]);
    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    const review = await supervisor.review.visit({ id: mutation.id });
    expect(review.photos.map((photo) => photo.sha256).sort()).toEqual([front, room1, room2]);
    const front_line = review.questionnaire?.lines.find((line) => line.name === "front");
    expect(front_line?.value?.["zh-CN"]).toBe("已拍照（见本次走访的照片）");
  });
});
