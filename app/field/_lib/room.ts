import "client-only";
import { activeCampaignId, type HeldCampaign, ofCampaign, otherCampaignsAt } from "@/domain/held-campaigns";
import type { RoomData } from "./record";
import {
  ACTIVE_CAMPAIGN_META,
  CAMPAIGNS_META,
  type FieldDatabase,
  type HeldQuestionnaire,
  laneMeta,
  OLDER_QUESTIONNAIRES_META,
  QUESTIONNAIRE_META,
  type Row,
} from "./store";

/** Everything the room screen shows, read from the phone's store in one transaction. */
export async function loadRoom(db: FieldDatabase, roomId: string): Promise<RoomData | null> {
  const tx = db.transaction(
    [
      "meta",
      "buildings",
      "rooms",
      "households",
      "persons",
      "units",
      "rentals",
      "rentalTenants",
      "visits",
      "householdCodes",
      "residentFeedback",
      "changes",
      "campaignTargets",
    ],
    "readonly",
  );
  const room = await tx.objectStore("rooms").get(roomId);
  if (!room) {
    await tx.done;
    return null;
  }
  const [
    building,
    households,
    rentals,
    buildingUnits,
    roomVisits,
    primaryId,
    chosen,
    listed,
    older,
    roomTargets,
  ] = await Promise.all([
    tx.objectStore("buildings").get(room.buildingId as string),
    tx.objectStore("households").index("roomId").getAll(roomId),
    tx.objectStore("rentals").index("roomId").getAll(roomId),
    tx
      .objectStore("units")
      .index("buildingId")
      .getAll(room.buildingId as string),
    tx.objectStore("visits").index("roomId").getAll(roomId),
    tx.objectStore("meta").get("campaignId") as Promise<string | undefined>,
    tx.objectStore("meta").get(ACTIVE_CAMPAIGN_META) as Promise<string | undefined>,
    tx.objectStore("meta").get(CAMPAIGNS_META) as Promise<{ id: string; name: string }[] | undefined>,
    tx.objectStore("meta").get(OLDER_QUESTIONNAIRES_META) as Promise<HeldQuestionnaire[] | undefined>,
    tx.objectStore("campaignTargets").index("roomId").getAll(roomId),
  ]);
  // The campaign the officer works on (the switcher's choice): its visits, targets, codes, feedback
  // and questionnaire are what this door shows, and what a visit saved here is recorded for.
  const heldCampaigns: HeldCampaign[] = (listed ?? []).map((c) => ({ ...c, targeted: false }));
  const campaignId = activeCampaignId(heldCampaigns, chosen, primaryId ?? null);
  const held = (await tx
    .objectStore("meta")
    .get(
      campaignId && campaignId !== primaryId ? laneMeta("questionnaire", campaignId) : QUESTIONNAIRE_META,
    )) as HeldQuestionnaire | undefined;
  const visits = ofCampaign(roomVisits, campaignId, primaryId ?? null);
  // A returned-file campaign's claims at this door, to verify (domain/claims.ts).
  const targets = roomTargets.filter(
    (target) => target.campaignId === campaignId && target.state === "open" && target.claim,
  );
  const members: Record<string, Row[]> = {};
  const codes: Record<string, string> = {};
  const feedback: Row[] = [];
  for (const household of households) {
    members[household.id] = sortMembers(
      await tx.objectStore("persons").index("householdId").getAll(household.id),
    );
    for (const code of await tx.objectStore("householdCodes").index("householdId").getAll(household.id)) {
      if (code.campaignId === campaignId) codes[household.id] = String(code.code);
    }
    for (const row of await tx.objectStore("residentFeedback").index("householdId").getAll(household.id)) {
      if (row.campaignId === campaignId) feedback.push(row);
    }
  }
  const tenants: RoomData["tenants"] = {};
  for (const rental of rentals) {
    const links = await tx.objectStore("rentalTenants").index("rentalId").getAll(rental.id);
    tenants[rental.id] = await Promise.all(
      links.map(async (link) => ({
        link,
        person: await tx.objectStore("persons").get(link.personId as string),
      })),
    );
  }
  // The officer's own corrections the register does not hold yet: waiting for review, or returned.
  const awaitingReview: Record<string, string> = {};
  const byTime = [...visits].sort((a, b) => String(a.visitedAt).localeCompare(String(b.visitedAt)));
  for (const visit of byTime) {
    if (!visit.pending && visit.reviewState !== "submitted") continue;
    for (const change of await tx.objectStore("changes").index("visitId").getAll(visit.id))
      awaitingReview[change.entityId] = String(visit.visitedAt);
  }
  const latest = byTime.at(-1);
  const returnedChanges =
    latest?.reviewState === "returned"
      ? await tx.objectStore("changes").index("visitId").getAll(latest.id)
      : [];
  await tx.done;
  return {
    awaitingReview,
    returnedChanges,
    room,
    building,
    households: households.filter((h) => !h.endedAt),
    members,
    rentals: rentals.filter((r) => !r.endedAt),
    tenants,
    units: buildingUnits.filter((u) => u.roomId === roomId && !u.endedAt),
    visits: visits.sort((a, b) => String(a.visitedAt).localeCompare(String(b.visitedAt))),
    campaignId: typeof campaignId === "string" ? campaignId : null,
    // Only the questionnaire of the campaign the grid was downloaded for.
    questionnaire: held && held.campaignId === campaignId ? held : null,
    olderQuestionnaires: (older ?? []).filter((q) => q.campaignId === campaignId),
    codes,
    targets,
    otherCampaigns: otherCampaignsAt(roomTargets, roomId, campaignId, heldCampaigns),
    heldCampaigns: (listed ?? []).map(({ id, name }) => ({ id, name })),
    feedback: feedback.sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt))),
  };
}

/** The head first, then by relation code (spouse, children, parents…), then by birth date. */
function sortMembers(rows: Row[]): Row[] {
  return rows
    .filter((row) => !row.endedAt)
    .sort(
      (a, b) =>
        String(a.relation ?? "99").localeCompare(String(b.relation ?? "99")) ||
        String(a.birthDate ?? "").localeCompare(String(b.birthDate ?? "")),
    );
}
