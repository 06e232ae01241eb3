import { randomUUID } from "node:crypto";
import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { campaigns, persons, users } from "@/db/schema";
import { DEMO_CAMPAIGN } from "@/db/seed";
import type { VisitMutation } from "@/domain/push";
import type { Change, SubjectType, Visit } from "@/domain/visit";
import { hashPassword } from "@/server/auth/password";
import { callerFor, DEMO_PASSWORD, loginAs } from "./fixture";

export type ChangeSpec = Omit<Change, "id" | "visitId"> & { id?: string };

export interface VisitSpec {
  gridId: string;
  roomId: string;
  campaignId?: string | null;
  subjectType?: SubjectType;
  subjectId?: string | null;
  outcome?: string;
  photoSha256?: string | null;
  changes?: ChangeSpec[];
  visitedAt?: string;
}

/** A visit mutation as the phone's outbox holds it: the visit id is the mutation id. */
export function visitMutation(spec: VisitSpec, id: string = randomUUID()): VisitMutation {
  const changes = (spec.changes ?? []).map((change) => ({
    ...change,
    id: change.id ?? randomUUID(),
    visitId: id,
  }));
  return {
    id,
    kind: "visit",
    payload: {
      visit: {
        id,
        campaignId: spec.campaignId ?? null,
        gridId: spec.gridId,
        roomId: spec.roomId,
        subjectType: spec.subjectType ?? "room",
        subjectId: spec.subjectId ?? null,
        outcome: (spec.outcome ?? (changes.length ? "changed" : "verified")) as Visit["outcome"],
        attempt: 1,
        revisitDue: null,
        visitedAt: spec.visitedAt ?? "2026-11-20T10:00:00+08:00",
        lat: null,
        lng: null,
        accuracyM: null,
        note: null,
        photoSha256: spec.photoSha256 ?? null,
      },
      changes,
    },
  };
}

/** A field correction as the phone builds it from the row it holds. */
export function correction(
  entity: Change["entity"],
  row: { id: string; version: number } & Record<string, unknown>,
  field: string,
  observedValue: unknown,
): ChangeSpec {
  return {
    entity,
    entityId: row.id,
    field,
    registerValue: row[field] ?? null,
    observedValue,
    baseVersion: row.version,
  };
}

/** Household members living in a grid, ordered, as the phone has them after a pull. */
export async function membersOfGrid(database: Database, gridId: string) {
  return database.db
    .select()
    .from(persons)
    .where(and(eq(persons.gridId, gridId), isNotNull(persons.householdId), isNull(persons.endedAt)))
    .orderBy(asc(persons.id));
}

/** The demo campaign over the whole street (the seed opens others over one community beside it). */
export async function openCampaignId(database: Database): Promise<string> {
  const [campaign] = await database.db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.status, "open"), eq(campaigns.name, DEMO_CAMPAIGN.name)));
  return campaign.id;
}

/** A supervisor of one area (a community, say), logged in. */
export async function supervisorOf(database: Database, areaId: string, username: string) {
  await database.db.insert(users).values({
    username,
    displayName: username,
    passwordHash: await hashPassword(DEMO_PASSWORD),
    role: "supervisor",
    areaId,
  });
  return (await callerFor(database, { cookie: await loginAs(database, username) })).caller;
}
