// A draft never dies with a version: when the pull brings a newer questionnaire version, the phone
// keeps the one it replaces while a draft begun in it (with typed answers) or an unsent visit
// answered in it needs it, and lets it go once nothing does. The room opens such a draft in its own
// version, offering the newer one.

import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { saveDraft } from "@/app/field/_lib/drafts";
import { applyPullPage } from "@/app/field/_lib/pull";
import { emptyDraft, questionnaireOfDraft, type RoomData } from "@/app/field/_lib/record";
import {
  type HeldQuestionnaire,
  OLDER_QUESTIONNAIRES_META,
  type OutboxEntry,
  QUESTIONNAIRE_META,
} from "@/app/field/_lib/store";
import { PULL_FORMAT, type PullQuestionnaire, type PullResponse } from "@/domain/pull";
import { parseDefinition, sheetRows } from "@/domain/questionnaire";
import { openUnlockedDb } from "../support/unlocked";

let n = 0;
// Opened as the phone opens it: sealed, with the officer's data key held (as after an unlock).
const freshDb = () => openUnlockedDb(`qversions-${++n}-${Date.now()}`);
const CAMPAIGN = "c0000000-0000-4000-8000-000000000001";

const parsed = parseDefinition({
  survey: sheetRows([
    ["type", "name", "label"],
    ["text", "name", "姓名"],
  ]),
});
if (!parsed.ok) throw new Error("the form does not parse");
const version = (v: number): PullQuestionnaire => ({
  version: v,
  title: `问卷 ${v}`,
  definition: parsed.definition,
});

const page = (questionnaire?: PullQuestionnaire | null): PullResponse => ({
  format: PULL_FORMAT,
  cursor: `c${++n}`,
  hasMore: false,
  serverTime: "2026-11-24T08:00:00Z",
  campaignId: CAMPAIGN,
  dropGridIds: [],
  rows: {},
  conflicts: [],
  ...(questionnaire !== undefined ? { questionnaire } : {}),
});

const held = async (db: Awaited<ReturnType<typeof freshDb>>) => ({
  inForce: ((await db.get("meta", QUESTIONNAIRE_META)) as HeldQuestionnaire | undefined)?.version,
  older: (((await db.get("meta", OLDER_QUESTIONNAIRES_META)) as HeldQuestionnaire[] | undefined) ?? []).map(
    (q) => q.version,
  ),
});

const draftIn = (v: number, edited = true) => ({
  ...emptyDraft(crypto.randomUUID()),
  answers: { name: "张三" },
  answersEdited: edited,
  questionnaireVersion: v,
});

const unsentVisit = (v: number): OutboxEntry =>
  ({
    id: crypto.randomUUID(),
    createdAt: new Date().toISOString(),
    state: "pending",
    attempts: 0,
    kind: "visit",
    payload: {
      visit: { campaignId: CAMPAIGN, answers: { name: "李四" }, questionnaireVersion: v },
      changes: [],
    },
  }) as unknown as OutboxEntry;

describe("older questionnaire versions on the phone", () => {
  it("keeps the replaced version while a draft begun in it waits, and lets it go once saved and sent", async () => {
    const db = await freshDb();
    await applyPullPage(db, page(version(1)));
    await saveDraft(db, "room-1", draftIn(1));
    await applyPullPage(db, page(version(2)));
    expect(await held(db)).toEqual({ inForce: 2, older: [1] });
    // A pull that changes nothing keeps it too.
    await applyPullPage(db, page());
    expect(await held(db)).toEqual({ inForce: 2, older: [1] });

    // Saved: the draft becomes an unsent visit answered in version 1, which still needs it.
    await db.delete("drafts", "room-1");
    const entry = unsentVisit(1);
    await db.put("outbox", entry);
    await applyPullPage(db, page());
    expect(await held(db)).toEqual({ inForce: 2, older: [1] });

    // Sent: nothing needs version 1 any more.
    await db.delete("outbox", entry.id);
    await applyPullPage(db, page());
    expect(await held(db)).toEqual({ inForce: 2, older: [] });
  });

  it("another campaign's older version, kept for its draft, outlives the register campaign's pulls", async () => {
    const db = await freshDb();
    const OTHER = "c0000000-0000-4000-8000-000000000002";
    const ofOther = (questionnaire?: PullQuestionnaire | null): PullResponse => ({
      ...page(questionnaire),
      campaignId: OTHER,
    });
    const olderOf = async () =>
      (((await db.get("meta", OLDER_QUESTIONNAIRES_META)) as HeldQuestionnaire[] | undefined) ?? []).map(
        (q) => `${q.campaignId === OTHER ? "other" : "register"} ${q.version}`,
      );
    // The register's campaign has version 1; the other campaign, pulled on its own, version 1 then 2,
    // with a draft begun in its version 1.
    await applyPullPage(db, page(version(1)));
    await applyPullPage(db, ofOther(version(1)), OTHER);
    await saveDraft(db, "room-1", draftIn(1));
    await applyPullPage(db, ofOther(version(2)), OTHER);
    expect(await olderOf()).toEqual(["other 1"]);
    // The register campaign's pulls, with or without a new version of its own, leave it be.
    await applyPullPage(db, page());
    expect(await olderOf()).toEqual(["other 1"]);
    await applyPullPage(db, page(version(2)));
    expect(await olderOf()).toEqual(["other 1", "register 1"]);
    // Its own campaign's pull lets it go once no draft needs it.
    await db.delete("drafts", "room-1");
    await applyPullPage(db, ofOther(), OTHER);
    expect(await olderOf()).toEqual(["register 1"]);
  });

  it("keeps nothing for drafts without typed answers or already in the version in force", async () => {
    const db = await freshDb();
    await applyPullPage(db, page(version(1)));
    await saveDraft(db, "room-1", draftIn(1, false));
    await applyPullPage(db, page(version(2)));
    expect(await held(db)).toEqual({ inForce: 2, older: [] });
    await saveDraft(db, "room-2", draftIn(2));
    await applyPullPage(db, page(version(3)));
    expect(await held(db)).toEqual({ inForce: 3, older: [2] });
    // Two versions on: each kept for its own draft.
    await saveDraft(db, "room-3", draftIn(3));
    await applyPullPage(db, page(version(4)));
    expect(await held(db)).toEqual({ inForce: 4, older: [2, 3] });
  });

  it("the room opens a draft in the version it was begun in and offers the newer one", () => {
    const inForce: HeldQuestionnaire = { campaignId: CAMPAIGN, ...version(2) };
    const older: HeldQuestionnaire = { campaignId: CAMPAIGN, ...version(1) };
    const data = { questionnaire: inForce, olderQuestionnaires: [older] } as unknown as RoomData;
    const begunIn1 = questionnaireOfDraft(data, { questionnaireVersion: 1, answersEdited: true });
    expect(begunIn1.data.questionnaire?.version).toBe(1);
    expect(begunIn1.newer?.version).toBe(2);
    // Nothing typed, or begun in the version in force: the version in force, nothing offered.
    for (const draft of [
      { questionnaireVersion: 1, answersEdited: false },
      { questionnaireVersion: 2, answersEdited: true },
      { answersEdited: true },
    ]) {
      const shown = questionnaireOfDraft(data, draft);
      expect([shown.data.questionnaire?.version, shown.newer]).toEqual([2, null]);
    }
    // A version the phone no longer holds cannot be opened: the version in force.
    expect(
      questionnaireOfDraft(
        { ...data, olderQuestionnaires: [] },
        { questionnaireVersion: 1, answersEdited: true },
      ).data.questionnaire?.version,
    ).toBe(2);
  });
});
