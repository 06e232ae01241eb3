// Property-based tests of sync.push, on every database kind, and of the field merge rule it rests on.
//
// The server property: three devices (three officers on one grid, or two officers and a second phone of
// the first) each build visits from their own local copy of the register, as the phone does, and push
// them in any interleaving, in batches, with lost answers (a batch sent again), old mutations replayed
// inside new batches, forged replays (same id, other payload), invalid values, conflicts settled by any
// officer of the grid, pulls that refresh a device's copy, and two pushes at once. Whatever the order,
// every answer, the register rows, the visits, change rows and ledger equal those of a small pure model
// that applies the first arrival of each mutation one by one with `mergeField` (the spec); two pushes at
// once must answer like one of the two serial orders. Sending any batch again changes nothing.
//
// Each run works on persons of its own, inserted for it, so the street is seeded once per database kind.
// Deterministic by default (a fixed seed); FC_SEED and FC_RUNS override it, e.g.
//   FC_SEED=123 FC_RUNS=300 npx vitest run test/server/push.property.test.ts

import { randomBytes, randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { and, asc, count, eq, inArray } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { assignments, changes, mutationLedger, persons, users, visits } from "@/db/schema";
import { canonicalJson, mergeField, normaliseValue, sameValue } from "@/domain/merge";
import type { ConflictField, Mutation, PushResult, ResolveMutation, VisitMutation } from "@/domain/push";
import { hashPassword } from "@/server/auth/password";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, DEMO_PASSWORD, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { membersOfGrid, openCampaignId, visitMutation } from "../support/push";

const SEED = Number(process.env.FC_SEED ?? 20_261_120);
const RUNS = Number(process.env.FC_RUNS ?? 25);

// ---------------------------------------------------------------------------------------------
// The field merge rule, alone

/** Values that often coincide: the three spellings of "no value", numbers beside their numeric strings. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, "", undefined),
  fc.constantFrom("13800000001", "13900000002", "01", "03"),
  fc.constantFrom(0, 1, 38.5, 120),
  fc.constantFrom("0", "1", "38.5", "38.50", "120", "120.00"),
  fc.constantFrom({ code: "moved_out" }, { code: "moved_out", destination: "天河区" }),
  fc.constantFrom({ destination: "天河区", code: "moved_out" }, { code: "deceased" }),
);
const EMPTY = [null, "", undefined] as const;

/** A JSON object with an own `toString` or `valueOf` key: see the known bug below. */
function hasPrimitiveHook(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasPrimitiveHook);
  if (!value || typeof value !== "object") return false;
  return Object.entries(value).some(
    ([key, inner]) => key === "toString" || key === "valueOf" || hasPrimitiveHook(inner),
  );
}
const plainJson = fc.jsonValue().filter((value) => !hasPrimitiveHook(value));

describe("mergeField (pure)", () => {
  const options = { numRuns: 500, seed: SEED };

  it("decides by the three cases: unchanged iff server = new, apply iff server = seen ≠ new, else conflict", () => {
    fc.assert(
      fc.property(fieldValue, fieldValue, fieldValue, (server, seen, next) => {
        const decision = mergeField(server, seen, next);
        if (sameValue(server, next)) expect(decision).toBe("unchanged");
        else if (sameValue(server, seen)) expect(decision).toBe("apply");
        // The server holds neither what the officer saw nor what they set: never overwritten.
        else expect(decision).toBe("conflict");
      }),
      options,
    );
  });

  it("is idempotent: after applying the decision, judging the same change again says unchanged or the same conflict", () => {
    fc.assert(
      fc.property(fieldValue, fieldValue, fieldValue, (server, seen, next) => {
        const decision = mergeField(server, seen, next);
        const after = decision === "apply" ? normaliseValue(next) : server;
        if (decision === "conflict") {
          expect(after).toBe(server);
          expect(mergeField(after, seen, next)).toBe("conflict");
        } else {
          expect(mergeField(after, seen, next)).toBe("unchanged");
        }
      }),
      options,
    );
  });

  it("applies only what the officer saw: a server value equal to neither seen nor new is never replaced", () => {
    fc.assert(
      fc.property(fieldValue, fieldValue, fieldValue, (server, seen, next) => {
        fc.pre(!sameValue(server, seen) && !sameValue(server, next));
        expect(mergeField(server, seen, next)).toBe("conflict");
      }),
      options,
    );
  });

  it('treats "", null and undefined alike, in any argument', () => {
    fc.assert(
      fc.property(
        fieldValue,
        fieldValue,
        fieldValue,
        fc.constantFrom(0, 1, 2),
        fc.constantFrom(...EMPTY),
        fc.constantFrom(...EMPTY),
        (server, seen, next, slot, a, b) => {
          const args: unknown[] = [server, seen, next];
          args[slot] = a;
          const one = mergeField(args[0], args[1], args[2]);
          args[slot] = b;
          expect(mergeField(args[0], args[1], args[2])).toBe(one);
          expect(sameValue(a, b)).toBe(true);
        },
      ),
      options,
    );
  });

  it("sameValue: reflexive and symmetric on JSON values, numbers equal their numeric strings, objects by content", () => {
    fc.assert(
      fc.property(plainJson, plainJson, (a, b) => {
        expect(sameValue(a, structuredClone(a))).toBe(true);
        expect(sameValue(a, b)).toBe(sameValue(b, a));
      }),
      options,
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.integer({ min: 0, max: 6 }), (n, digits) => {
        expect(sameValue(n, String(n))).toBe(true);
        expect(sameValue(String(n), n)).toBe(true);
        // A numeric column read back as "38.50" is the 38.5 the phone sent.
        const fixed = n.toFixed(digits);
        if (Number.isFinite(n) && Math.abs(n) < 1e15) expect(sameValue(n, fixed)).toBe(Number(fixed) === n);
      }),
      options,
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
        (object) => {
          const reversed = Object.fromEntries(Object.entries(object).reverse());
          expect(sameValue(object, reversed)).toBe(true);
          expect(sameValue(object, { ...object, "\u0000extra": 1 })).toBe(false);
        },
      ),
      options,
    );
  });

  // KNOWN BUG, reported, not fixed here: beside a number, sameValue calls Number() on the other value,
  // and Number() throws on a JSON object whose `toString` is not a function ({"toString": 1}). A phone
  // that sends such a registerValue for a numeric field (a rental's monthlyRent, say) gets a 500 for its
  // whole batch instead of that one mutation being rejected, and its ordered outbox is stuck behind it.
  it("never throws, whatever JSON the phone sends ({toString: 1} beside a number once did)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        sameValue(a, b);
        mergeField(a, b, a);
      }),
      { ...options, examples: [[3650, { toString: 1 }]] },
    );
  });

  it("over numbers, writing any one value as its numeric string changes no decision", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 38.5, 120, -3),
        fc.constantFrom(0, 1, 38.5, 120, -3),
        fc.constantFrom(0, 1, 38.5, 120, -3),
        fc.constantFrom(0, 1, 2),
        (server, seen, next, slot) => {
          const args: unknown[] = [server, seen, next];
          const before = mergeField(server, seen, next);
          args[slot] = String(args[slot]);
          expect(mergeField(args[0], args[1], args[2])).toBe(before);
        },
      ),
      options,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The scenario: what the devices do

const PERSONS = 3;
const FIELDS = ["phone", "ethnicity", "marital"] as const;
type Field = (typeof FIELDS)[number];
/** Valid values, few enough that devices often pick the same one; "" is a form's "no value". */
const VALID: Record<Field, readonly (string | null)[]> = {
  phone: ["13800000001", "13900000002", "15000000003", null, ""],
  ethnicity: ["01", "03", "08", null, ""],
  marital: ["10", "20", "30", null],
};
/** One value per field the server's validators refuse. */
const INVALID: Record<Field, string> = { phone: "1380000000", ethnicity: "00", marital: "11" };

type Intent =
  | { kind: "edit"; edits: { person: number; field: Field; pick: number }[] }
  | { kind: "verify" }
  | { kind: "invalid"; person: number; field: Field }
  /** Settle a conflict of the grid: the officer's value, the server's, or another. */
  | { kind: "resolve"; pick: number; choice: "mine" | "theirs" | "other"; other: number };

interface PushSpec {
  device: number;
  /** New outbox entries, made from the device's local copy when the batch is sent. */
  intents: Intent[];
  /** Entries sent before (their answer lost), replayed inside this batch at `at`. */
  replays: { pick: number; at: number }[];
  /** The last new entry twice in the same batch. */
  echoLast: boolean;
}

type Event =
  | { type: "push"; push: PushSpec }
  /** A whole earlier batch of the device again: the answer was lost on the way back. */
  | { type: "resend"; device: number; pick: number }
  /** The device refreshes its copy of the register from the server. */
  | { type: "pull"; device: number }
  /** An earlier mutation id with another payload. */
  | { type: "forge"; device: number; pick: number }
  /** Two pushes at once: two devices, or one batch sent twice (a retry overtaking a slow answer). */
  | { type: "together"; a: PushSpec; b: PushSpec | "echo" };

interface Scenario {
  /** The third device is officer1's second phone rather than a third officer's. */
  secondPhone: boolean;
  initial: Record<Field, number>[];
  events: Event[];
  /** Batches sent again at the end, to show a replay changes nothing. */
  finalReplays: number[];
}

// Biased to one person's phone, so that devices meet often: conflicts, and conflicts settled while the
// value moves on again.
const person = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.nat({ max: PERSONS - 1 }) },
);
const field = fc.oneof(
  { weight: 2, arbitrary: fc.constant("phone" as const) },
  { weight: 3, arbitrary: fc.constantFrom(...FIELDS) },
);
const device = fc.nat({ max: 2 });
const intentArb: fc.Arbitrary<Intent> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("edit" as const),
      edits: fc.array(fc.record({ person, field, pick: fc.nat({ max: 9 }) }), { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "verify" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("invalid" as const), person, field }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("resolve" as const),
      pick: fc.nat(),
      choice: fc.constantFrom("mine" as const, "theirs" as const, "other" as const),
      other: fc.nat({ max: 9 }),
    }),
  },
);
const pushArb: fc.Arbitrary<PushSpec> = fc.record({
  device,
  intents: fc.array(intentArb, { maxLength: 3 }),
  replays: fc.array(fc.record({ pick: fc.nat(), at: fc.nat() }), { maxLength: 2 }),
  echoLast: fc.oneof(
    { weight: 5, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
});
const eventArb: fc.Arbitrary<Event> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ type: fc.constant("push" as const), push: pushArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("resend" as const), device, pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("pull" as const), device }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("forge" as const), device, pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant("together" as const),
      a: pushArb,
      b: fc.oneof({ weight: 3, arbitrary: pushArb }, { weight: 1, arbitrary: fc.constant("echo" as const) }),
    }),
  },
);
const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  secondPhone: fc.boolean(),
  initial: fc.array(fc.record({ phone: fc.nat(), ethnicity: fc.nat(), marital: fc.nat() }), {
    minLength: PERSONS,
    maxLength: PERSONS,
  }),
  events: fc.array(eventArb, { minLength: 3, maxLength: 14 }),
  finalReplays: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
});

const edit = (device: number, ...edits: [number, Field, number][]): PushSpec => ({
  device,
  intents: [{ kind: "edit", edits: edits.map(([person, field, pick]) => ({ person, field, pick })) }],
  replays: [],
  echoLast: false,
});

/**
 * Run first, whatever the seed: two officers collide on a phone while a third changes it again, then the
 * conflicts are settled after the value moved on (a conflict again) and once it came back (unchanged).
 */
const settledLate: Scenario = {
  secondPhone: false,
  initial: [0, 1, 2].map(() => ({ phone: 0, ethnicity: 0, marital: 0 })),
  events: [
    { type: "push", push: edit(0, [0, "phone", 1]) },
    { type: "together", a: edit(1, [0, "phone", 2]), b: edit(2, [0, "phone", 3], [1, "ethnicity", 1]) },
    { type: "push", push: { ...edit(0, [0, "phone", 4]), replays: [{ pick: 0, at: 0 }] } },
    {
      type: "push",
      push: {
        device: 2,
        intents: [{ kind: "resolve", pick: 0, choice: "theirs", other: 0 }],
        replays: [],
        echoLast: false,
      },
    },
    {
      type: "push",
      push: {
        device: 1,
        intents: [
          { kind: "resolve", pick: 1, choice: "mine", other: 0 },
          { kind: "invalid", person: 2, field: "marital" },
        ],
        replays: [{ pick: 0, at: 1 }],
        echoLast: true,
      },
    },
    { type: "forge", device: 1, pick: 0 },
    { type: "resend", device: 2, pick: 0 },
  ],
  finalReplays: [0, 3],
};

// ---------------------------------------------------------------------------------------------
// The model: the first arrival of each mutation, applied one by one with mergeField

type Values = Record<Field, unknown>;
/** A push answer without its translated message; validation keys are told apart only from the others. */
type Answer = Record<string, unknown>;

interface ChangeState {
  visitId: string;
  entityId: string;
  field: string;
  registerValue: unknown;
  status: string;
  serverValue: unknown;
  resolvedValue: unknown;
  resolvedBy: string | null;
}

interface Model {
  /**
   * The register's own rows. The review gate keeps a visit's corrections out of it (approval is not
   * modelled): only a settled conflict writes here.
   */
  persons: Map<string, { values: Values; version: number }>;
  /** Corrections waiting for review, oldest first: pushes are judged against the register with these laid over. */
  pending: { entityId: string; field: Field; value: unknown; changeId: string }[];
  /** The order change rows were stored in (the changes table's seq), by change id. */
  seqOf: Map<string, number>;
  ledger: Map<string, { kind: string; userId: string; deviceId: string; hash: string; result: Answer }>;
  changes: Map<string, ChangeState>;
}

const isValid = (name: string, value: unknown) =>
  (FIELDS as readonly string[]).includes(name) && VALID[name as Field].includes(value as string | null);

/** A person as a push judges against it: the register with the pending corrections laid over, in order. */
function effective(model: Model, id: string): { values: Values; version: number } | undefined {
  const row = model.persons.get(id);
  if (!row) return undefined;
  const values = { ...row.values };
  for (const waiting of model.pending) if (waiting.entityId === id) values[waiting.field] = waiting.value;
  return { values, version: row.version };
}

function judge(model: Model, mutation: VisitMutation): Answer {
  const drafts = new Map<string, { values: Values; version: number }>();
  const waiting: Model["pending"] = [];
  const conflicts: Answer[] = [];
  const statuses: [string, ChangeState][] = [];
  for (const change of mutation.payload.changes) {
    const field = change.field as Field;
    const base = effective(model, change.entityId);
    if (!base) throw new Error(`the model knows no person ${change.entityId}`);
    const draft = drafts.get(change.entityId) ?? base;
    drafts.set(change.entityId, draft);
    if (!isValid(field, change.observedValue)) return { status: "rejected", key: "validation.*", field };
    const server = draft.values[field];
    const decision = mergeField(server, change.registerValue, change.observedValue);
    if (decision === "apply") {
      draft.values[field] = normaliseValue(change.observedValue);
      waiting.push({
        entityId: change.entityId,
        field,
        value: normaliseValue(change.observedValue),
        changeId: change.id,
      });
    }
    const held = (model.persons.get(change.entityId) as { values: Values }).values;
    if (decision === "conflict") {
      conflicts.push({
        changeId: change.id,
        entity: "person",
        entityId: change.entityId,
        field,
        registerValue: change.registerValue,
        serverValue: normaliseValue(server),
        observedValue: change.observedValue,
      });
    }
    statuses.push([
      change.id,
      {
        visitId: mutation.id,
        entityId: change.entityId,
        field,
        registerValue: change.registerValue,
        status: decision === "apply" ? "pending" : decision,
        // A pending change keeps what the register itself held at the push.
        serverValue:
          decision === "conflict"
            ? normaliseValue(server)
            : decision === "apply"
              ? normaliseValue(held[field])
              : null,
        resolvedValue: null,
        resolvedBy: null,
      },
    ]);
  }
  // Pending corrections change what later pushes are judged against, not the register or its versions.
  model.pending.push(...waiting);
  for (const [id] of statuses) model.seqOf.set(id, model.seqOf.size + 1);
  const versions: Record<string, number> = { [mutation.id]: 1 };
  for (const [id, status] of statuses) model.changes.set(id, status);
  return conflicts.length > 0 ? { status: "conflict", versions, conflicts } : { status: "applied", versions };
}

/** Settling a conflict is judged like a field: the value chosen against the server value the resolver saw. */
function judgeResolve(model: Model, mutation: ResolveMutation, userId: string): Answer {
  const { changeId, value, serverValue: seen } = mutation.payload;
  const change = model.changes.get(changeId);
  if (!change) throw new Error(`the model knows no change ${changeId}`);
  // Settled already, by someone else or by an earlier replay: nothing to do.
  if (change.status !== "conflict") return { status: "applied", versions: {} };
  if (!isValid(change.field, value)) return { status: "rejected", key: "validation.*", field: change.field };
  const target = model.persons.get(change.entityId) as { values: Values; version: number };
  const server = (effective(model, change.entityId) as { values: Values }).values[change.field as Field];
  const decision = mergeField(server, seen, value);
  if (decision === "conflict") {
    change.serverValue = normaliseValue(server);
    const conflict = {
      changeId,
      entity: "person",
      entityId: change.entityId,
      field: change.field,
      registerValue: change.registerValue,
      serverValue: normaliseValue(server),
      observedValue: value,
    };
    return { status: "conflict", versions: {}, conflicts: [conflict] };
  }
  const versions: Record<string, number> = {};
  if (decision === "apply") {
    // Settling is a decision: it writes the register at once, and decides against the pending
    // corrections of the field older than the conflict (they made up the value it was judged on).
    target.values[change.field as Field] = normaliseValue(value);
    target.version += 1;
    versions[change.entityId] = target.version;
    const before = model.seqOf.get(changeId) as number;
    const superseded = model.pending.filter(
      (w) =>
        w.entityId === change.entityId &&
        w.field === change.field &&
        (model.seqOf.get(w.changeId) as number) < before,
    );
    model.pending = model.pending.filter((w) => !superseded.includes(w));
    for (const w of superseded)
      Object.assign(model.changes.get(w.changeId) as ChangeState, {
        status: "resolved",
        resolvedValue: value ?? null,
        resolvedBy: userId,
      });
  }
  Object.assign(change, { status: "resolved", resolvedValue: value ?? null, resolvedBy: userId });
  return { status: "applied", versions };
}

/** What the server must answer to a batch, and the model's state after it. */
function modelPush(model: Model, userId: string, deviceId: string, batch: Mutation[]): Answer[] {
  return batch.map((mutation) => {
    const hash = canonicalJson({ kind: mutation.kind, payload: mutation.payload });
    const stored = model.ledger.get(mutation.id);
    if (stored) {
      return stored.userId === userId && stored.hash === hash
        ? { id: mutation.id, duplicate: true, ...stored.result }
        : { id: mutation.id, duplicate: false, status: "rejected", key: "sync.idReused" };
    }
    // Judged on a copy, kept only if accepted: a rejected mutation leaves no trace.
    const draft = structuredClone(model);
    const result = mutation.kind === "visit" ? judge(draft, mutation) : judgeResolve(draft, mutation, userId);
    if (result.status === "rejected") return { id: mutation.id, duplicate: false, ...result };
    Object.assign(model, draft);
    model.ledger.set(mutation.id, { kind: mutation.kind, userId, deviceId, hash, result });
    return { id: mutation.id, duplicate: false, ...result };
  });
}

/** An answer, or a ledger's result, without who set the values its conflicts met (checked to be there). */
function withoutSetBy(result: unknown): Answer {
  const answer = JSON.parse(JSON.stringify(result));
  for (const conflict of answer.conflicts ?? []) {
    const setBy = conflict.setBy;
    expect(setBy?.kind === "register" || (setBy?.kind === "user" && setBy.role === "officer")).toBe(true);
    delete conflict.setBy;
  }
  return answer;
}

/**
 * The server's answers in the model's terms: no message (checked to be there), validation keys as one,
 * and no `setBy` on conflicts (checked to name the register or one of the officers: who set which
 * value is proved in conflict-reach.test.ts; here every caller's clock is frozen at its login, so the
 * order of settlements by time is not the order they were made in).
 */
function answersOf(results: PushResult[]): Answer[] {
  return results.map((result) => {
    if (result.status !== "rejected") return withoutSetBy(result);
    expect(result.message.length).toBeGreaterThan(0);
    const { message: _message, ...rest } = result;
    return { ...rest, key: rest.key.startsWith("validation.") ? "validation.*" : rest.key };
  });
}

// ---------------------------------------------------------------------------------------------

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];

interface Device {
  caller: Caller;
  userId: string;
  deviceId: string;
  /** The device's copy of the target persons: downloaded, then patched by its own edits. */
  view: Map<string, { values: Values; version: number }>;
  /** Its outbox entries in the order they were first sent. */
  sent: Mutation[];
  batches: Mutation[][];
}

describe.each(databaseKinds)("sync.push properties on %s", (kind) => {
  let database: Database;
  let gridId: string;
  let homes: { householdId: string; roomId: string }[];
  const officers: { caller: Caller; userId: string }[] = [];
  let run = 0;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    gridId = (await objectsOfOfficer(database, "officer1")).gridId;
    const campaignId = await openCampaignId(database);
    homes = (await membersOfGrid(database, gridId)).map((m) => ({
      householdId: m.householdId as string,
      roomId: m.roomId as string,
    }));
    // Two more officers working the same grid in the same campaign.
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const username of ["officer1b", "officer1c"]) {
      const [officer] = await database.db
        .insert(users)
        .values({ username, displayName: username, passwordHash, role: "officer", areaId: gridId })
        .returning({ id: users.id });
      await database.db.insert(assignments).values({ campaignId, gridId, officerId: officer.id });
    }
    for (const username of ["officer1", "officer1b", "officer1c"]) {
      const [user] = await database.db
        .select({ id: users.id })
        .from(users)
        .where(eq(users.username, username));
      const { caller } = await callerFor(database, { cookie: await loginAs(database, username) });
      officers.push({ caller, userId: user.id });
    }
  });
  afterAll(() => database?.close());

  const readPersons = (ids: string[]) =>
    database.db.select().from(persons).where(inArray(persons.id, ids)).orderBy(persons.id);

  /** Everything a push may write about these persons and mutations, and the table sizes. */
  async function snapshot(personIds: string[], mutationIds: string[]) {
    const { db } = database;
    const ids = mutationIds.length > 0 ? mutationIds : [randomUUID()];
    const total = async (table: typeof visits | typeof changes | typeof mutationLedger) =>
      (await db.select({ n: count() }).from(table))[0].n;
    return {
      persons: await readPersons(personIds),
      visits: await db.select().from(visits).where(inArray(visits.id, ids)).orderBy(visits.id),
      changes: await db.select().from(changes).where(inArray(changes.visitId, ids)).orderBy(changes.id),
      ledger: await db
        .select()
        .from(mutationLedger)
        .where(inArray(mutationLedger.id, ids))
        .orderBy(mutationLedger.id),
      totals: [await total(visits), await total(changes), await total(mutationLedger)],
    };
  }

  /** The database holds exactly what the model says: register values and versions, visits, changes, ledger. */
  async function expectDatabaseIs(
    model: Model,
    initial: Awaited<ReturnType<typeof readPersons>>,
    mutationIds: string[],
  ) {
    const {
      persons: rows,
      visits: visitRows,
      changes: changeRows,
      ledger,
    } = await snapshot(
      initial.map((row) => row.id),
      mutationIds,
    );
    expect(rows.map((row) => row.id).sort()).toEqual(initial.map((row) => row.id).sort());
    for (const row of rows) {
      const expected = model.persons.get(row.id);
      const { version, phone, ethnicity, marital, updatedAt: _u, changeXid: _x, ...rest } = row;
      expect({ id: row.id, version, phone, ethnicity, marital }).toEqual({
        id: row.id,
        version: expected?.version,
        ...expected?.values,
      });
      // Nothing else of the row moved.
      const {
        version: _v,
        phone: _p,
        ethnicity: _e,
        marital: _m,
        updatedAt: _iu,
        changeXid: _ix,
        ...was
      } = initial.find((before) => before.id === row.id) as (typeof initial)[number];
      expect(rest).toEqual(was);
    }
    const accepted = [...model.ledger.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    // Each accepted visit once in visits, each accepted mutation once in the ledger; no rejected one.
    expect(visitRows.map((v) => [v.id, v.officerId, v.deviceId])).toEqual(
      accepted
        .filter(([, entry]) => entry.kind === "visit")
        .map(([id, entry]) => [id, entry.userId, entry.deviceId]),
    );
    expect(ledger.map((l) => [l.id, l.userId, l.deviceId, l.payloadHash.length])).toEqual(
      accepted.map(([id, entry]) => [id, entry.userId, entry.deviceId, 64]),
    );
    for (const row of ledger) expect(withoutSetBy(row.result)).toEqual(model.ledger.get(row.id)?.result);
    const stored = changeRows.map((c) => {
      const { visitId, entityId, field, registerValue, status, serverValue, resolvedValue, resolvedBy } = c;
      const state = {
        visitId,
        entityId,
        field,
        registerValue,
        status,
        serverValue,
        resolvedValue,
        resolvedBy,
      };
      return [c.id, state] as const;
    });
    expect(new Map(stored)).toEqual(model.changes);
  }

  async function runScenario(scenario: Scenario) {
    run += 1;
    const { db } = database;
    // Fresh persons for every run (seeding again would take seconds), in the homes of existing members.
    const inserted = await db
      .insert(persons)
      .values(
        scenario.initial.map((picks, index) => {
          const home = homes[(run * PERSONS + index) % homes.length];
          const values = Object.fromEntries(
            FIELDS.map((name) => [name, VALID[name][picks[name] % VALID[name].length]]),
          ) as Record<Field, string | null>;
          return {
            gridId,
            householdId: home.householdId,
            roomId: home.roomId,
            name: `性质${run}-${index}`,
            idType: "9",
            idNumber: `PBT${randomBytes(8).toString("hex").toUpperCase()}`,
            sex: "1",
            birthDate: "1980-01-01",
            ...values,
          };
        }),
      )
      .returning({ id: persons.id });
    const ids = inserted.map((row) => row.id);
    const initial = await readPersons(ids);
    const byId = new Map(initial.map((row) => [row.id, row]));
    const ordered = ids.map((id) => byId.get(id) as (typeof initial)[number]);
    const current = (row: (typeof initial)[number]) => ({
      values: { phone: row.phone, ethnicity: row.ethnicity, marital: row.marital } as Values,
      version: row.version,
    });

    let model: Model = {
      persons: new Map(ordered.map((row) => [row.id, current(row)])),
      pending: [],
      seqOf: new Map(),
      ledger: new Map(),
      changes: new Map(),
    };
    const third = scenario.secondPhone ? officers[0] : officers[2];
    const devices: Device[] = [officers[0], officers[1], third].map((officer) => ({
      ...officer,
      deviceId: randomUUID(),
      view: new Map(ordered.map((row) => [row.id, current(row)])),
      sent: [],
      batches: [],
    }));
    /** Conflicts the server answered, which every officer of the grid sees and may settle. */
    const conflicts: ConflictField[] = [];
    const pushed = new Set<string>();
    const everyBatch: { device: Device; batch: Mutation[] }[] = [];

    /** The phone saves a visit: change rows from its copy, then patches its copy. */
    function newMutation(dev: Device, intent: Intent): Mutation {
      const roomOf = (index: number) => homes[(run * PERSONS + index) % homes.length].roomId;
      if (intent.kind === "verify" || (intent.kind === "resolve" && conflicts.length === 0))
        return visitMutation({ gridId, roomId: roomOf(0) });
      if (intent.kind === "resolve") {
        const conflict = conflicts[intent.pick % conflicts.length];
        const pool = VALID[conflict.field as Field];
        const value =
          intent.choice === "mine"
            ? conflict.observedValue
            : intent.choice === "theirs"
              ? conflict.serverValue
              : pool[intent.other % pool.length];
        // The phone patches its copy with the value chosen.
        (dev.view.get(conflict.entityId) as { values: Values }).values[conflict.field as Field] = value;
        return {
          id: randomUUID(),
          kind: "resolve",
          payload: { changeId: conflict.changeId, value, serverValue: conflict.serverValue },
        };
      }
      if (intent.kind === "invalid") {
        const id = ids[intent.person];
        const seen = dev.view.get(id) as { values: Values; version: number };
        return visitMutation({
          gridId,
          roomId: roomOf(intent.person),
          changes: [
            {
              entity: "person",
              entityId: id,
              field: intent.field,
              registerValue: seen.values[intent.field],
              observedValue: INVALID[intent.field],
              baseVersion: seen.version,
            },
          ],
        });
      }
      // The form's final value per field; a field set back to what the copy holds is no change.
      const finals = new Map<string, { person: number; field: Field; value: unknown }>();
      for (const edit of intent.edits) {
        const pool = VALID[edit.field];
        finals.set(`${edit.person}:${edit.field}`, { ...edit, value: pool[edit.pick % pool.length] });
      }
      const specs = [...finals.values()].flatMap(({ person: index, field: name, value }) => {
        const seen = dev.view.get(ids[index]) as { values: Values; version: number };
        if (sameValue(seen.values[name], value)) return [];
        return [
          {
            entity: "person" as const,
            entityId: ids[index],
            field: name,
            registerValue: seen.values[name],
            observedValue: value,
            baseVersion: seen.version,
          },
        ];
      });
      for (const spec of specs)
        (dev.view.get(spec.entityId) as { values: Values }).values[spec.field] = spec.observedValue;
      return visitMutation({ gridId, roomId: roomOf(intent.edits[0].person), changes: specs });
    }

    function buildBatch(spec: PushSpec): { dev: Device; batch: Mutation[] } {
      const dev = devices[spec.device];
      const fresh = spec.intents.map((intent) => newMutation(dev, intent));
      const batch: Mutation[] = [...fresh];
      if (spec.echoLast && fresh.length > 0) batch.push(fresh[fresh.length - 1]);
      for (const replay of spec.replays) {
        if (dev.sent.length === 0) continue;
        batch.splice(replay.at % (batch.length + 1), 0, dev.sent[replay.pick % dev.sent.length]);
      }
      dev.sent.push(...fresh);
      dev.batches.push(batch);
      return { dev, batch };
    }

    const send = async (dev: Device, batch: Mutation[]) => {
      for (const m of batch) pushed.add(m.id);
      everyBatch.push({ device: dev, batch });
      const { results } = await dev.caller.sync.push({ deviceId: dev.deviceId, mutations: batch });
      for (const result of results) if (result.status === "conflict") conflicts.push(...result.conflicts);
      return answersOf(results);
    };
    const sendAndCheck = async (dev: Device, batch: Mutation[]) => {
      const expected = modelPush(model, dev.userId, dev.deviceId, batch);
      expect(await send(dev, batch)).toEqual(expected);
    };

    for (const event of scenario.events) {
      switch (event.type) {
        case "push": {
          const { dev, batch } = buildBatch(event.push);
          await sendAndCheck(dev, batch);
          break;
        }
        case "resend": {
          const dev = devices[event.device];
          if (dev.batches.length === 0) break;
          await sendAndCheck(dev, dev.batches[event.pick % dev.batches.length]);
          break;
        }
        case "pull": {
          // As sync.pull sends them: the register with the pending corrections laid over, oldest first.
          const dev = devices[event.device];
          const waiting = await database.db
            .select()
            .from(changes)
            .where(and(inArray(changes.entityId, ids), eq(changes.status, "pending")))
            .orderBy(asc(changes.seq));
          for (const row of await readPersons(ids)) {
            const view = current(row);
            for (const change of waiting)
              if (change.entityId === row.id) view.values[change.field as Field] = change.observedValue;
            dev.view.set(row.id, view);
          }
          break;
        }
        case "forge": {
          const dev = devices[event.device];
          if (dev.sent.length === 0) break;
          const forged = structuredClone(dev.sent[event.pick % dev.sent.length]);
          if (forged.kind === "visit") forged.payload.visit.note = "改过的";
          else forged.payload.serverValue = `${forged.payload.serverValue}改过的`;
          await sendAndCheck(dev, [forged]);
          break;
        }
        case "together": {
          const a = buildBatch(event.a);
          let b: { dev: Device; batch: Mutation[] };
          if (event.b === "echo") b = a;
          else {
            // Two devices; one device's own entries stay in order, so never two new batches of one device.
            const other = event.b.device === event.a.device ? (event.a.device + 1) % 3 : event.b.device;
            b = buildBatch({ ...event.b, device: other });
          }
          // Any serial order is fine; the answers say which one the server took.
          const orders = [false, true].map((bFirst) => {
            const m = structuredClone(model);
            const [first, second] = bFirst ? [b, a] : [a, b];
            const one = modelPush(m, first.dev.userId, first.dev.deviceId, first.batch);
            const two = modelPush(m, second.dev.userId, second.dev.deviceId, second.batch);
            return { model: m, answers: bFirst ? [two, one] : [one, two] };
          });
          const answers = await Promise.all([send(a.dev, a.batch), send(b.dev, b.batch)]);
          const serial = orders.find((order) => isDeepStrictEqual(order.answers, answers));
          if (!serial)
            expect(answers, "two pushes at once answer like one serial order").toEqual(orders[0].answers);
          model = (serial as (typeof orders)[number]).model;
          break;
        }
      }
    }

    const mutationIds = [...pushed];
    await expectDatabaseIs(model, ordered, mutationIds);

    // Sending any batch again writes nothing and answers from the ledger (or rejects as before).
    if (everyBatch.length > 0) {
      for (const pick of scenario.finalReplays) {
        const { device: dev, batch } = everyBatch[pick % everyBatch.length];
        const before = await snapshot(ids, mutationIds);
        const expected = modelPush(model, dev.userId, dev.deviceId, batch);
        for (const answer of expected) expect(answer.duplicate || answer.status === "rejected").toBe(true);
        expect(await send(dev, batch)).toEqual(expected);
        expect(await snapshot(ids, mutationIds)).toEqual(before);
      }
    }
    await expectDatabaseIs(model, ordered, mutationIds);
  }

  it("any interleaving of three devices' outboxes, with replays, lost answers and concurrent pushes, ends as the model says", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        await runScenario(scenario);
      }),
      {
        numRuns: RUNS,
        seed: SEED,
        examples: [[settledLate]],
        plugins: [fc.interruptAfterTimeLimit(150_000, { failOnInterrupt: true })],
      },
    );
  }, 200_000);
});
