import "fake-indexeddb/auto";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { VaultLockedError } from "@/app/field/_lib/sealed";
import { type FieldDatabase, openFieldDb, openRawFieldDb, readAll, readMeta } from "@/app/field/_lib/store";
import { lockedState, lockVault, readVault, unlockOnline, unlockWithPin } from "@/app/field/_lib/vault";

let n = 0;
const officer = () => `vault-${++n}-${Date.now()}`;
const secret = () => randomBytes(32).toString("base64url");
const ONLINE = { lockMinutes: 15 };

const PERSON = {
  id: "11111111-1111-4111-8111-111111111111",
  gridId: "g1",
  householdId: "h1",
  name: "欧阳春花",
  idNumber: "440104199003074218",
  phone: "13912345678",
};
const VISIT = {
  id: "22222222-2222-4222-8222-222222222222",
  gridId: "g1",
  roomId: "r1",
  note: "欧阳春花 不在家",
  visitedAt: new Date("2026-12-06T07:00:00Z"),
};
const SECRETS = [PERSON.name, PERSON.idNumber, PERSON.phone, "欧阳"];

/** Every value of every store, as stored, in a form a search for a name or number would hit. */
async function rawText(userId: string): Promise<string> {
  const db = await openRawFieldDb(userId);
  const parts: string[] = [];
  const decoder = new TextDecoder("utf-8", { fatal: false });
  const dump = (value: unknown): void => {
    if (value instanceof Uint8Array) parts.push(decoder.decode(value));
    else if (value && typeof value === "object") for (const v of Object.values(value)) dump(v);
    else parts.push(String(value));
  };
  for (const name of db.objectStoreNames) {
    const tx = db.transaction(name);
    for (const key of await tx.store.getAllKeys()) dump([key, await tx.store.get(key)]);
  }
  db.close();
  return parts.join("\n");
}

async function writeGrid(db: FieldDatabase) {
  await db.put("persons", PERSON);
  await db.put("visits", VISIT);
  await db.put("outbox", {
    id: "33333333-3333-4333-8333-333333333333",
    createdAt: "2026-12-06T07:00:00Z",
    state: "pending",
    attempts: 0,
    kind: "visit",
    payload: { visit: VISIT as never, changes: [] },
  });
  await db.put("meta", { campaignId: "c1", title: "欧阳春花的问卷" }, "questionnaire");
}

describe("the phone's vault", () => {
  it("stores no name, ID number or phone in clear, and reads them back unlocked", async () => {
    const userId = officer();
    const key = secret();
    expect(await unlockOnline(userId, { secret: key, ...ONLINE })).toMatchObject({ state: "unlocked" });
    const db = await openFieldDb(userId);
    await writeGrid(db);
    const text = await rawText(userId);
    for (const s of SECRETS) expect(text).not.toContain(s);
    // The keys and index fields are there in clear: the stores still look rows up.
    expect(text).toContain(PERSON.id);
    expect((await readAll(db)).persons).toEqual([PERSON]);
    expect((await readAll(db)).visits[0].visitedAt).toEqual(VISIT.visitedAt);
    expect(await db.getAllFromIndex("persons", "householdId", "h1")).toEqual([PERSON]);
    expect(await readMeta(db, "questionnaire")).toEqual({ campaignId: "c1", title: "欧阳春花的问卷" });
    db.close();
  });

  it("locks: every handle refuses, the lock screen's count still reads, the PIN opens again", async () => {
    const userId = officer();
    const key = secret();
    const first = await unlockOnline(userId, { secret: key, ...ONLINE });
    if (first.state !== "unlocked" || !first.setPin) throw new Error("a first login sets a PIN");
    await first.setPin("246810");
    const db = await openFieldDb(userId);
    await writeGrid(db);
    await lockVault();
    await expect(db.get("persons", PERSON.id)).rejects.toBeInstanceOf(VaultLockedError);
    await expect(openFieldDb(userId)).rejects.toBeInstanceOf(VaultLockedError);
    expect(await lockedState(userId)).toEqual({ pin: true, pending: 1, lockMinutes: 15 });

    expect(await unlockWithPin(userId, "246810")).toEqual({ ok: true });
    expect(await db.get("persons", PERSON.id)).toEqual(PERSON);
    db.close();
  });

  it("five wrong PINs erase the PIN wrap; an online login then opens the data intact", async () => {
    const userId = officer();
    const key = secret();
    const first = await unlockOnline(userId, { secret: key, ...ONLINE });
    if (first.state !== "unlocked" || !first.setPin) throw new Error("a first login sets a PIN");
    await first.setPin("246810");
    await writeGrid(await openFieldDb(userId));
    await lockVault();
    const left = [];
    for (let i = 0; i < 5; i++) {
      const answer = await unlockWithPin(userId, "135790");
      left.push(answer.ok ? -1 : answer.attemptsLeft);
    }
    expect(left).toEqual([4, 3, 2, 1, 0]);
    // The right PIN no longer opens anything: the wrap is gone, not just refused.
    expect(await unlockWithPin(userId, "246810")).toEqual({ ok: false, attemptsLeft: 0 });
    const raw = await openRawFieldDb(userId);
    expect((await readVault(raw))?.pin).toBeNull();
    raw.close();
    expect(await lockedState(userId)).toMatchObject({ pin: false, pending: 1 });

    const again = await unlockOnline(userId, { secret: key, ...ONLINE });
    expect(again.state === "unlocked" && typeof again.setPin).toBe("function");
    const db = await openFieldDb(userId);
    expect(await db.get("persons", PERSON.id)).toEqual(PERSON);
    expect((await db.getAll("outbox")).map((e) => e.state)).toEqual(["pending"]);
    db.close();
  });

  it("a wrong device secret opens nothing; a withheld one is said", async () => {
    const userId = officer();
    await unlockOnline(userId, { secret: secret(), ...ONLINE });
    await lockVault();
    await expect(unlockOnline(userId, { secret: secret(), ...ONLINE })).rejects.toThrow();
    await expect(openFieldDb(userId)).rejects.toBeInstanceOf(VaultLockedError);
    expect(await unlockOnline(userId, { secret: null, ...ONLINE })).toEqual({ state: "withheld" });
  });

  it("two officers on one phone: a row copied into the other's database does not open there", async () => {
    const a = officer();
    const b = officer();
    await unlockOnline(a, { secret: secret(), ...ONLINE });
    await unlockOnline(b, { secret: secret(), ...ONLINE });
    await (await openFieldDb(a)).put("persons", PERSON);
    const rawA = await openRawFieldDb(a);
    const sealedRow = await rawA.get("persons", PERSON.id);
    rawA.close();
    const rawB = await openRawFieldDb(b);
    await rawB.put("persons", sealedRow as never);
    rawB.close();
    await expect((await openFieldDb(b)).get("persons", PERSON.id)).rejects.toThrow();
  });

  it("encrypts in place a store from before the vault, pending visit included", async () => {
    const userId = officer();
    // Today's phone: the same database, every value in clear.
    const legacy = await openRawFieldDb(userId);
    await writeGrid(legacy);
    await legacy.put("photos", {
      sha256: "ab".repeat(32),
      blob: new Blob([Uint8Array.from([1, 2, 3])], { type: "image/jpeg" }),
      mime: "image/jpeg",
      bytes: 3,
      createdAt: "2026-12-06T07:00:00Z",
    });
    legacy.close();
    expect(await rawText(userId)).toContain(PERSON.idNumber);

    await unlockOnline(userId, { secret: secret(), ...ONLINE });
    const text = await rawText(userId);
    for (const s of SECRETS) expect(text).not.toContain(s);
    const db = await openFieldDb(userId);
    expect(await db.get("persons", PERSON.id)).toEqual(PERSON);
    const [entry] = await db.getAll("outbox");
    expect(entry).toMatchObject({ state: "pending", payload: { visit: { note: VISIT.note } } });
    const photo = await db.get("photos", "ab".repeat(32));
    expect(photo?.blob.type).toBe("image/jpeg");
    expect(Array.from(new Uint8Array(await (photo as { blob: Blob }).blob.arrayBuffer()))).toEqual([1, 2, 3]);
    db.close();
  });
});
