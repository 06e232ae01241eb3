import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { eq, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { areas, campaignAreas, campaigns, campaignTargets } from "@/db/schema";
import type { Translate } from "@/domain/i18n";
import { maskIdNumber, maskName } from "@/domain/mask";
import {
  claimMayBeNew,
  mapTargetFileHeaders,
  parseClaimRow,
  TARGET_FILE_MAX_ROWS,
  TARGET_FILE_REPORT_ROWS,
  type TargetClaim,
  type TargetFileReport,
  type TargetFileRowReport,
} from "@/domain/target-file";
import type { TargetSubject } from "@/domain/targets";
import { AppError } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { lockOwnCampaign } from "./campaigns";
import { fileRows } from "./import";
import type { UploadedImport } from "./import-upload";

/**
 * A department's returned file made into a campaign's targets (domain/target-file.ts): the rows read
 * by the import's readers, each matched to the register within the campaign's areas and the caller's,
 * and every matched row (or row whose named room exists) made a target carrying the claim, all in one
 * transaction with the campaign locked. The row-level report — rejected rows with their reason — is
 * kept on the campaign, so the results export answers every line of the file.
 */

export interface TargetFileMeta {
  now: Date;
  ip?: string;
  translate: Translate;
}

interface Found {
  subjectId: string;
  roomId: string;
  gridId: string;
  gridPath: string;
  name: string;
  /** A person's own room and household columns (the room above is theirs or their household's). */
  registered?: { roomId: string | null; householdId: string | null };
}

interface PlaceFound {
  roomId: string;
  gridId: string;
  gridPath: string;
}

const placeKey = (buildingCode: string, unitNo: string | null, roomNo: string) =>
  `${buildingCode}\u0000${unitNo ?? ""}\u0000${roomNo}`;

async function readTargetFile(file: string) {
  const rows = await fileRows(file);
  if (!rows) throw new AppError("BAD_REQUEST", "import.encoding");
  let headers: string[] | null = null;
  const body: { row: number; cells: string[] }[] = [];
  for await (const row of rows) {
    if (headers === null) {
      headers = row.cells;
      continue;
    }
    if (row.cells.every((cell) => cell.trim() === "")) continue;
    if (body.length >= TARGET_FILE_MAX_ROWS)
      throw new AppError("BAD_REQUEST", "targetFile.tooManyRows", { max: TARGET_FILE_MAX_ROWS });
    body.push(row);
  }
  if (!headers || body.length === 0) throw new AppError("BAD_REQUEST", "import.empty");
  return { headers, body };
}

export async function uploadTargetFile(
  db: Db,
  user: SessionUser,
  input: { campaignId: string; upload: UploadedImport; fileName: string },
  meta: TargetFileMeta,
): Promise<TargetFileReport> {
  const t = meta.translate;
  // Administrators only, as the route says: the service holds to it for any other caller too.
  if (user.role !== "admin") {
    await fs.promises.rm(input.upload.dir, { recursive: true, force: true });
    throw new AppError("FORBIDDEN", "auth.forbidden");
  }
  // The whole file is read first (at most TARGET_FILE_MAX_ROWS rows): matching looks rows up together.
  // The saved upload is removed once read, whatever the outcome: the targets hold what it said.
  const { headers, body } = await readTargetFile(input.upload.file).finally(() =>
    fs.promises.rm(input.upload.dir, { recursive: true, force: true }),
  );
  const map = mapTargetFileHeaders(headers);
  if (map.problems.length > 0) {
    const [problem] = map.problems;
    throw new AppError("BAD_REQUEST", problem.key, { column: problem.column, ...problem.params });
  }

  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db;
    const campaign = await lockOwnCampaign(tx, user, input.campaignId);
    if (campaign.status === "closed") throw new AppError("CONFLICT", "campaign.error.closed");
    const [row] = await tx
      .select({ targetKind: campaigns.targetKind, targetFiles: campaigns.targetFiles })
      .from(campaigns)
      .where(eq(campaigns.id, input.campaignId));
    if (row.targetKind !== "file") throw new AppError("BAD_REQUEST", "targetFile.notFileCampaign");
    const areaPaths = (
      await tx
        .select({ path: areas.path })
        .from(campaignAreas)
        .innerJoin(areas, eq(areas.id, campaignAreas.areaId))
        .where(eq(campaignAreas.campaignId, input.campaignId))
    ).map((area) => area.path);
    // Within the campaign's areas and the caller's: anything else is "not found", never "elsewhere".
    const inCampaign = (gridPath: string) =>
      gridPath.startsWith(user.areaPath) && areaPaths.some((path) => gridPath.startsWith(path));

    const parsed = body.map((r) => ({ row: r.row, result: parseClaimRow(map.index, r.cells, meta.now) }));
    const claims = parsed.flatMap((p) => (p.result.ok ? [p.result.claim] : []));
    const ids = [...new Set(claims.flatMap((c) => (c.idNumber ? [c.idNumber] : [])))];
    const usccs = [...new Set(claims.flatMap((c) => (c.uscc ? [c.uscc] : [])))];
    const places = claims.flatMap((c) => (c.place ? [c.place] : []));

    const personsFound = new Map<string, Found>();
    if (ids.length > 0) {
      for (const p of rowsOf<Found & { idNumber: string }>(
        await tx.execute(sql`select p.id as "subjectId", p.id_number as "idNumber", r.id as "roomId",
            p.grid_id as "gridId", g.path as "gridPath", p.name,
            json_build_object('roomId', p.room_id, 'householdId', p.household_id) as "registered"
          from persons p
          left join households h on h.id = p.household_id
          join rooms r on r.id = coalesce(p.room_id, h.room_id) and r.ended_at is null
          join areas g on g.id = p.grid_id
          where p.ended_at is null and p.id_number = any(${sql.param(ids)}::text[])`),
      ))
        if (inCampaign(p.gridPath)) personsFound.set(p.idNumber, p);
    }
    const unitsFound = new Map<string, Found>();
    if (usccs.length > 0) {
      for (const u of rowsOf<Found & { uscc: string }>(
        await tx.execute(sql`select u.id as "subjectId", u.uscc, r.id as "roomId", u.grid_id as "gridId",
            g.path as "gridPath", u.name
          from units u join rooms r on r.id = u.room_id and r.ended_at is null
          join areas g on g.id = u.grid_id
          where u.ended_at is null and u.uscc = any(${sql.param(usccs)}::text[])`),
      ))
        if (inCampaign(u.gridPath)) unitsFound.set(u.uscc, u);
    }
    const placesFound = new Map<string, PlaceFound>();
    if (places.length > 0) {
      for (const p of rowsOf<PlaceFound & { buildingCode: string; unitNo: string | null; roomNo: string }>(
        await tx.execute(sql`select r.id as "roomId", r.grid_id as "gridId", g.path as "gridPath",
            b.code as "buildingCode", r.unit_no as "unitNo", r.room_no as "roomNo"
          from rooms r join buildings b on b.id = r.building_id join areas g on g.id = r.grid_id
          where r.ended_at is null and b.code = any(${sql.param([...new Set(places.map((p) => p.buildingCode))])}::text[])`),
      ))
        if (inCampaign(p.gridPath)) placesFound.set(placeKey(p.buildingCode, p.unitNo, p.roomNo), p);
    }
    // Subjects already a target of this campaign (an earlier upload), and those of this file so far.
    const held = new Set(
      rowsOf<{ key: string }>(
        await tx.execute(sql`select subject_kind || ':' || subject_id as key from ${campaignTargets}
          where campaign_id = ${input.campaignId} and state = 'open'`),
      ).map((r) => r.key),
    );

    const report: TargetFileRowReport[] = [];
    const inserts: (typeof campaignTargets.$inferInsert)[] = [];
    for (const { row, result } of parsed) {
      if (!result.ok) {
        report.push({
          row,
          outcome: "rejected",
          kind: result.kind,
          label: "",
          differences: [],
          reason: t(result.key, result.params),
          reasonKey: result.key,
        });
        continue;
      }
      const claim = result.claim;
      const label = [
        claim.name ? maskName(claim.name) : "",
        claim.idNumber ? maskIdNumber(claim.idNumber) : (claim.uscc ?? ""),
      ]
        .filter(Boolean)
        .join(" ");
      const reject = (key: "targetFile.reason.notFound" | "targetFile.reason.duplicate") =>
        report.push({
          row,
          outcome: "rejected",
          kind: claim.kind,
          label,
          differences: [],
          reason: t(key),
          reasonKey: key,
        });
      const subject: TargetSubject = claim.uscc && !claim.idNumber ? "unit" : "person";
      const found = claim.idNumber
        ? personsFound.get(claim.idNumber)
        : claim.uscc
          ? unitsFound.get(claim.uscc)
          : undefined;
      const place = claim.place
        ? placesFound.get(placeKey(claim.place.buildingCode, claim.place.unitNo, claim.place.roomNo))
        : undefined;
      let target: { subjectId: string; roomId: string; gridId: string } | null = null;
      let outcome: TargetClaim["outcome"] = "matched";
      const differences: string[] = [];
      if (found) {
        if (place && place.roomId !== found.roomId) differences.push("room");
        if (claim.name && claim.name !== found.name) differences.push("name");
        outcome = differences.length > 0 ? "matched_diff" : "matched";
        // Verified where the department says (a move-in's new room), else where the register has them.
        const at = place ?? found;
        target = { subjectId: found.subjectId, roomId: at.roomId, gridId: at.gridId };
      } else if (place && (claimMayBeNew(claim.kind) || claim.idNumber || claim.uscc)) {
        // Not in the register: the door the file names is visited. A newcomer's target carries the id
        // the register row will take if the claim is confirmed (domain/target-file.ts claimChanges).
        outcome = "room";
        target = { subjectId: randomUUID(), roomId: place.roomId, gridId: place.gridId };
      }
      if (!target) {
        reject("targetFile.reason.notFound");
        continue;
      }
      const key = `${subject}:${target.subjectId}`;
      if (held.has(key)) {
        reject("targetFile.reason.duplicate");
        continue;
      }
      held.add(key);
      inserts.push({
        campaignId: input.campaignId,
        subjectKind: subject,
        subjectId: target.subjectId,
        roomId: target.roomId,
        gridId: target.gridId,
        fileRow: row,
        // Where a person found in another room is registered, for the move a confirmed move-in makes.
        claim: {
          ...claim,
          outcome,
          differences,
          ...(found?.registered && differences.includes("room")
            ? { registered: { ...found.registered, gridId: found.gridId } }
            : {}),
        },
      });
      report.push({ row, outcome, kind: claim.kind, label, differences, reason: null, reasonKey: null });
    }
    // A withdrawn target of the same subject (never from a file today) would clash: made open again.
    for (let i = 0; i < inserts.length; i += 1_000) {
      await tx
        .insert(campaignTargets)
        .values(inserts.slice(i, i + 1_000))
        .onConflictDoUpdate({
          target: [campaignTargets.campaignId, campaignTargets.subjectKind, campaignTargets.subjectId],
          set: {
            state: "open",
            endedAt: null,
            claim: sql`excluded.claim`,
            fileRow: sql`excluded.file_row`,
            roomId: sql`excluded.room_id`,
            gridId: sql`excluded.grid_id`,
            version: sql`${campaignTargets.version} + 1`,
          },
        });
    }
    const count = (outcome: TargetFileRowReport["outcome"]) =>
      report.filter((r) => r.outcome === outcome).length;
    const fileReport: TargetFileReport = {
      file: input.fileName,
      uploadedAt: meta.now.toISOString(),
      read: body.length,
      matched: count("matched"),
      matchedDiff: count("matched_diff"),
      room: count("room"),
      rejected: count("rejected"),
      ignoredColumns: map.ignored,
      rows: report.slice(0, TARGET_FILE_REPORT_ROWS),
    };
    await tx
      .update(campaigns)
      .set({ targetFiles: [...(row.targetFiles ?? []), fileReport] })
      .where(eq(campaigns.id, input.campaignId));
    await writeAudit(tx, {
      userId: user.id,
      action: "campaign.targetFile",
      entity: "campaign",
      entityId: input.campaignId,
      areaPath: user.areaPath,
      ip: meta.ip,
      detail: {
        file: input.fileName,
        read: fileReport.read,
        matched: fileReport.matched,
        matchedDiff: fileReport.matchedDiff,
        room: fileReport.room,
        rejected: fileReport.rejected,
      },
    });
    return fileReport;
  });
}
