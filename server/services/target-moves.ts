import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { areas, campaignTargets, targetAssignments, users } from "@/db/schema";
import { maskName } from "@/domain/mask";
import type { MovableTarget, TargetHolders, TargetMoveInput, TargetSubject } from "@/domain/targets";
import { AppError, notFound } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { lockCampaign, type Meta, visibleCampaign } from "./campaigns";
import { inScope, targetOfficer } from "./scope";

/**
 * Cover: moving a campaign's targets from one officer to another (a colleague takes a sick officer's
 * list) and back. A target follows its grid's officer until it is moved (db/schema.ts
 * targetAssignments); the receiving officer's phone then pulls it, the old phone drops it on its next
 * pull, and the push keeps what either recorded while the target was theirs (push.ts coverAt).
 */

/** How many targets the move screen lists for one officer: enough to pick from, never a register. */
const LIST_LIMIT = 500;

/** A listed target's label as the supervisor's screens show it: a person's or landlord's name masked. */
function maskedLabel(subject: TargetSubject, label: string): string {
  return subject === "person" || subject === "rental" ? maskName(label) : label;
}

/** The subject's name, whatever its kind: what the list shows beside the door. */
const SUBJECT_LABEL = sql`coalesce(
  (select p.name from persons p where p.id = t.subject_id),
  (select h.household_no from households h where h.id = t.subject_id),
  (select rt.landlord_name from rentals rt where rt.id = t.subject_id),
  (select u.name from units u where u.id = t.subject_id), '')`;

/**
 * The officers who hold open targets of the campaign under the caller's area, with how many, and the
 * targets of `officerId` (masked, at most LIST_LIMIT), for the supervisor to choose what to move.
 */
export async function targetHolders(
  db: Db,
  user: SessionUser,
  input: { campaignId: string; officerId?: string },
): Promise<TargetHolders> {
  await visibleCampaign(db, user, input.campaignId);
  const open = sql`t.campaign_id = ${input.campaignId} and t.state = 'open'
    and starts_with(g.path, ${user.areaPath})`;
  const officers = rowsOf<{ id: string; displayName: string; username: string; open: number }>(
    await db.execute(sql`
      select u.id, u.display_name as "displayName", u.username, count(*)::int as open
      from campaign_targets t join areas g on g.id = t.grid_id
      join users u on u.id = ${targetOfficer(sql`t`)}
      where ${open}
      group by u.id, u.display_name, u.username order by u.username`),
  );
  if (!input.officerId) return { officers, targets: [], more: false };
  const rows = rowsOf<Omit<MovableTarget, "label"> & { label: string }>(
    await db.execute(sql`
      select t.id, t.subject_kind as "subjectKind", t.grid_id as "gridId", g.name as "gridName",
        b.address, concat_ws('-', r.unit_no, r.room_no) as "roomNo", ${SUBJECT_LABEL} as label
      from campaign_targets t join areas g on g.id = t.grid_id
      join rooms r on r.id = t.room_id join buildings b on b.id = r.building_id
      where ${open} and ${targetOfficer(sql`t`)} = ${input.officerId}
      order by g.path, b.address, r.unit_no nulls first, r.room_no, t.id
      limit ${LIST_LIMIT + 1}`),
  );
  return {
    officers,
    targets: rows
      .slice(0, LIST_LIMIT)
      .map((row) => ({ ...row, label: maskedLabel(row.subjectKind, row.label) })),
    more: rows.length > LIST_LIMIT,
  };
}

/**
 * Moves targets to `toOfficerId` in one transaction: the ones named, or every open target that is
 * `fromOfficerId`'s now. Every target must be open, of the campaign, and in a grid under the caller's
 * area; the receiving officer active, and under the caller's area or over every grid moved (as
 * campaigns.ts assignGrid asks of a grid's officer). A target already the receiving officer's is left
 * as it is. A target moved to the officer who holds its grid follows the grid again (no cover row), so
 * a move back undoes the cover. One audit entry names every target moved.
 */
export async function moveTargets(db: Db, user: SessionUser, input: TargetMoveInput, meta: Meta) {
  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db;
    const campaign = await lockCampaign(tx, user, input.campaignId);
    if (campaign.status === "closed") throw new AppError("CONFLICT", "campaign.error.closed");
    const [officer] = await tx
      .select({ id: users.id, role: users.role, disabledAt: users.disabledAt, path: areas.path })
      .from(users)
      .innerJoin(areas, eq(areas.id, users.areaId))
      .where(eq(users.id, input.toOfficerId));
    if (officer?.role !== "officer" || officer.disabledAt) throw notFound();

    const which = input.targetIds
      ? sql`t.id = any(${sql.param([...new Set(input.targetIds)])}::uuid[])`
      : // All of an officer's: those under the caller's area (a named target outside it is refused).
        sql`${targetOfficer(sql`t`)} = ${input.fromOfficerId ?? null} and starts_with(g.path, ${user.areaPath})`;
    // Locked, so two moves of the same targets take turns and the second sees the first's officer.
    const found = rowsOf<{
      id: string;
      gridId: string;
      path: string;
      officerId: string | null;
      holder: string | null;
    }>(
      await tx.execute(sql`
        select t.id, t.grid_id as "gridId", g.path, ${targetOfficer(sql`t`)} as "officerId",
          (select a.officer_id from assignments a where a.campaign_id = t.campaign_id
            and a.grid_id = t.grid_id and a.ended_at is null order by a.assigned_at desc limit 1) as holder
        from campaign_targets t join areas g on g.id = t.grid_id
        where t.campaign_id = ${input.campaignId} and t.state = 'open' and ${which}
        order by t.id
        for update of t`),
    );
    // A named target that is not open in the campaign, or lies outside the caller's area: not theirs.
    if (input.targetIds && found.length !== new Set(input.targetIds).size) throw notFound();
    if (found.some((target) => !inScope(user, target.path))) throw notFound();
    const overEvery = found.every((target) => target.path.startsWith(officer.path));
    if (!inScope(user, officer.path) && !(found.length > 0 && overEvery)) throw notFound();

    const moving = found.filter((target) => target.officerId !== officer.id);
    if (moving.length === 0) return { moved: 0 };
    const ids = moving.map((target) => target.id);
    await tx
      .update(targetAssignments)
      .set({ endedAt: meta.now })
      .where(
        and(
          sql`${targetAssignments.targetId} = any(${sql.param(ids)}::uuid[])`,
          sql`${targetAssignments.endedAt} is null`,
        ),
      );
    const covered = moving.filter((target) => target.holder !== officer.id);
    if (covered.length > 0) {
      await tx.insert(targetAssignments).values(
        covered.map((target) => ({
          campaignId: input.campaignId,
          targetId: target.id,
          officerId: officer.id,
          assignedBy: user.id,
          assignedAt: meta.now,
        })),
      );
    }
    // A new stamp on each target sends it down again: to the receiving phone, and to the old one
    // as a row to drop (pull.ts).
    await tx
      .update(campaignTargets)
      .set({ version: sql`${campaignTargets.version} + 1` })
      .where(sql`${campaignTargets.id} = any(${sql.param(ids)}::uuid[])`);
    await writeAudit(tx, {
      userId: user.id,
      action: "campaign.targets.move",
      entity: "campaign",
      entityId: input.campaignId,
      areaPath: user.areaPath,
      ip: meta.ip,
      detail: {
        toOfficerId: officer.id,
        ...(input.fromOfficerId ? { fromOfficerId: input.fromOfficerId } : {}),
        count: ids.length,
        targetIds: ids,
      },
    });
    return { moved: ids.length };
  });
}
