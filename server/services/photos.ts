import "server-only";
import { createHash } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  areas,
  assignments,
  attachments,
  campaigns,
  campaignTargets,
  targetAssignments,
  visitAttachments,
  visits,
} from "@/db/schema";
import { isPhotoHash } from "@/domain/photo";
import { AppError, notFound } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { inScope, writableGrids } from "./scope";

/**
 * Door-plate photos, uploaded by the phone before the visit that names them and stored once per
 * SHA-256: a retried upload is a no-op, so the outbox may send it as often as the signal demands.
 */

/** The phone sends about 1280 px JPEGs of a few hundred kB; twice the JSON limit leaves room. */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;

export const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Content-Type header's media type, lower-cased and without parameters, if it is one we store. */
export function photoType(contentType: string | null | undefined): PhotoType | null {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  return (PHOTO_TYPES as readonly string[]).includes(type) ? (type as PhotoType) : null;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((byte, i) => bytes[at + i] === byte);

const ascii = (text: string) => Array.from(text, (char) => char.charCodeAt(0));

/** What the bytes are, by their magic numbers, whatever the client called them. */
export function sniffPhotoType(bytes: Uint8Array): PhotoType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  return null;
}

export interface PhotoInput {
  sha256: string;
  gridId: string;
  /** The declared type (a Content-Type value); it must agree with the bytes. */
  mime: string;
  bytes: Uint8Array;
}

export interface StoredPhoto {
  sha256: string;
  /** false when a photo with this hash was already there: nothing was written. */
  stored: boolean;
}

/** Refuses anything that is not a well-formed photo matching its hash; the cheap checks come first. */
function checkPhoto(input: PhotoInput): PhotoType {
  if (!isPhotoHash(input.sha256)) throw new AppError("BAD_REQUEST", "photo.badHash");
  if (!UUID_PATTERN.test(input.gridId)) throw new AppError("BAD_REQUEST", "errors.badRequest");
  if (input.bytes.length === 0) throw new AppError("BAD_REQUEST", "photo.empty");
  if (input.bytes.length > MAX_PHOTO_BYTES)
    throw new AppError("BAD_REQUEST", "photo.tooLarge", { max: MAX_PHOTO_BYTES / (1024 * 1024) });
  const declared = photoType(input.mime);
  if (!declared || sniffPhotoType(input.bytes) !== declared)
    throw new AppError("BAD_REQUEST", "photo.badType");
  const actual = createHash("sha256").update(input.bytes).digest("hex");
  if (actual !== input.sha256) throw new AppError("BAD_REQUEST", "photo.hashMismatch");
  return declared;
}

/**
 * Stores a photo under its SHA-256 in a grid the caller may write to. The same photo again answers
 * `stored: false` and writes nothing; a grid out of scope and a missing one are both NOT_FOUND.
 */
export async function storePhoto(
  db: Db,
  user: SessionUser,
  input: PhotoInput,
  meta: { ip?: string } = {},
): Promise<StoredPhoto> {
  return storePhotoOf(db, user, input, meta, async (gridId) =>
    (await writableGrids(db, user, [gridId])).has(gridId),
  );
}

/**
 * storePhoto for an uploader whose right to the grid `mayStore` says (a session's writable grids, or
 * a handed-over device's officer's area): the photo's checks first, then the grid, then one insert and
 * its audit, `detail` added to it.
 */
export async function storePhotoOf(
  db: Db,
  uploader: Pick<SessionUser, "id" | "areaPath">,
  input: PhotoInput,
  meta: { ip?: string },
  mayStore: (gridId: string) => Promise<boolean>,
  detail: Record<string, unknown> = {},
): Promise<StoredPhoto> {
  const mime = checkPhoto(input);
  if (!(await mayStore(input.gridId))) throw notFound();
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(attachments)
      .values({
        sha256: input.sha256,
        mime,
        bytes: input.bytes.length,
        data: input.bytes,
        uploadedBy: uploader.id,
        gridId: input.gridId,
      })
      .onConflictDoNothing({ target: attachments.sha256 })
      .returning({ sha256: attachments.sha256 });
    if (inserted.length === 0) return { sha256: input.sha256, stored: false };
    await writeAudit(tx, {
      userId: uploader.id,
      action: "photo_stored",
      entity: "attachment",
      entityId: input.sha256,
      areaPath: uploader.areaPath,
      ip: meta.ip,
      detail: { gridId: input.gridId, mime, bytes: input.bytes.length, ...detail },
    });
    return { sha256: input.sha256, stored: true };
  });
}

/**
 * Whether the photo is already stored in a grid the caller may write to, so the phone can skip the
 * upload. A photo elsewhere answers false, exactly like a missing one.
 */
export async function photoExists(db: Db, user: SessionUser, sha256: string): Promise<boolean> {
  if (!isPhotoHash(sha256)) return false;
  const [row] = await db
    .select({ gridId: attachments.gridId, uploadedBy: attachments.uploadedBy })
    .from(attachments)
    .where(eq(attachments.sha256, sha256))
    .limit(1);
  if (!row) return false;
  return user.role === "officer"
    ? officerSeesPhoto(db, user, sha256, row)
    : (await writableGrids(db, user, [row.gridId])).has(row.gridId);
}

/**
 * Whether an officer may see (or learn of) a photo of `gridId`: one they took; any of a grid assigned
 * to them (ended assignments too, as for writing, so their own work stays theirs); of a grid they hold
 * only through targets moved to them (cover), only a photo of a visit at a door they cover — the rest of
 * that grid's photos are its own officer's.
 */
async function officerSeesPhoto(
  db: Db,
  user: SessionUser,
  sha256: string,
  row: { gridId: string; uploadedBy: string },
): Promise<boolean> {
  if (row.uploadedBy === user.id) return true;
  if (!(await writableGrids(db, user, [row.gridId])).has(row.gridId)) return false;
  const [assigned] = await db
    .select({ one: sql<number>`1` })
    .from(assignments)
    .innerJoin(campaigns, eq(campaigns.id, assignments.campaignId))
    .where(
      and(
        eq(assignments.gridId, row.gridId),
        eq(assignments.officerId, user.id),
        eq(campaigns.status, "open"),
      ),
    )
    .limit(1);
  if (assigned) return true;
  const [covered] = await db
    .select({ one: sql<number>`1` })
    .from(visitAttachments)
    .innerJoin(visits, eq(visits.id, visitAttachments.visitId))
    .innerJoin(
      campaignTargets,
      and(eq(campaignTargets.roomId, visits.roomId), eq(campaignTargets.campaignId, visits.campaignId)),
    )
    .innerJoin(targetAssignments, eq(targetAssignments.targetId, campaignTargets.id))
    .where(
      and(
        eq(visitAttachments.sha256, sha256),
        eq(targetAssignments.officerId, user.id),
        isNull(targetAssignments.endedAt),
      ),
    )
    .limit(1);
  return !!covered;
}

/**
 * A photo for viewing: to its grid's officer (officerSeesPhoto: a covering officer only those of the
 * doors they cover) or whoever oversees the area it lies in (a supervisor reviewing the visit). Anyone
 * else is answered as if it did not exist.
 */
export async function readPhoto(db: Db, user: SessionUser, sha256: string) {
  if (!isPhotoHash(sha256)) throw notFound();
  const [row] = await db
    .select({
      mime: attachments.mime,
      data: attachments.data,
      gridId: attachments.gridId,
      uploadedBy: attachments.uploadedBy,
      gridPath: areas.path,
    })
    .from(attachments)
    .innerJoin(areas, eq(areas.id, attachments.gridId))
    .where(eq(attachments.sha256, sha256))
    .limit(1);
  if (!row) throw notFound();
  const visible =
    user.role === "officer" ? await officerSeesPhoto(db, user, sha256, row) : inScope(user, row.gridPath);
  if (!visible) throw notFound();
  return { mime: row.mime, data: row.data };
}
