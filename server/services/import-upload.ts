import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Db } from "@/db/client";
import type { Translate } from "@/domain/i18n";
import type { ImportKind } from "@/domain/import";
import type { ImportReport } from "@/domain/import/report";
import { AppError } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { type ImportProgress, importFile } from "./import";

/**
 * The admin page's import: the browser uploads the file as the request body, it is streamed to a
 * private temporary folder (never held in memory), imported by the same engine as the command, and the
 * rejected rows stay there for their importer to download. Folders older than a day are removed.
 */

export const IMPORT_UPLOAD_MAX_BYTES = 512 * 1024 * 1024;
const KEEP_MS = 24 * 60 * 60 * 1000;
const ROOT = path.join(os.tmpdir(), "doorstep-imports");
const EXTENSIONS = new Set([".csv", ".txt", ".xlsx"]);

export interface UploadedImport {
  id: string;
  dir: string;
  file: string;
  bytes: number;
}

interface Owner {
  userId: string;
  name: string;
  createdAt: string;
}

/** Removes what earlier imports left, a day on: rejected rows are for fixing now, not for keeping. */
async function sweep(now: number): Promise<void> {
  const entries = await fs.promises.readdir(ROOT).catch(() => [] as string[]);
  for (const entry of entries) {
    const dir = path.join(ROOT, entry);
    const stat = await fs.promises.stat(dir).catch(() => null);
    if (stat && now - stat.mtimeMs > KEEP_MS) await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** The upload's name, reduced to a harmless file name with one of the extensions the engine reads. */
export function uploadName(name: string | null): string {
  const base = path.basename((name ?? "").replace(/\\/g, "/")).replace(/[^\p{L}\p{N}._-]+/gu, "_");
  const ext = path.extname(base).toLowerCase();
  if (!EXTENSIONS.has(ext)) throw new AppError("BAD_REQUEST", "importPage.badType");
  return base.slice(-120);
}

/**
 * Streams the request body to disk, refusing past the size limit (bytes as they arrive, so a chunked
 * body is held to it too) without keeping a partial file or reading the rest.
 */
export async function saveUpload(
  user: SessionUser,
  name: string,
  body: ReadableStream<Uint8Array> | null,
  maxBytes = IMPORT_UPLOAD_MAX_BYTES,
): Promise<UploadedImport> {
  if (!body) throw new AppError("BAD_REQUEST", "importPage.noFile");
  await sweep(Date.now());
  const id = randomUUID();
  const dir = path.join(ROOT, id);
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes)
        done(new AppError("PAYLOAD_TOO_LARGE", "importPage.tooLarge", { mb: Math.max(1, maxBytes >> 20) }));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(body as import("node:stream/web").ReadableStream),
      limit,
      fs.createWriteStream(file, { mode: 0o600 }),
    );
  } catch (error) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw error;
  }
  if (bytes === 0) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw new AppError("BAD_REQUEST", "importPage.noFile");
  }
  const owner: Owner = { userId: user.id, name, createdAt: new Date().toISOString() };
  await fs.promises.writeFile(path.join(dir, "owner.json"), JSON.stringify(owner), { mode: 0o600 });
  return { id, dir, file, bytes };
}

export interface UploadOptions {
  kind: ImportKind;
  dryRun: boolean;
  /** The name the file had on the admin's computer. */
  name: string | null;
  translate: Translate;
  maxBytes?: number;
  /** Called as the import goes (after each batch), for a progress bar. */
  onProgress?: (progress: ImportProgress) => void;
  /** Aborted when the admin's page goes away: the import stops at the next batch (see importFile). */
  signal?: AbortSignal;
}

/**
 * Saves the uploaded body and imports it; the report names the upload, whose rejected rows can then
 * be fetched with `rejectedRows`.
 */
export async function importUpload(
  db: Db,
  user: SessionUser,
  body: ReadableStream<Uint8Array> | null,
  options: UploadOptions,
): Promise<ImportReport & { uploadId: string }> {
  const upload = await saveUpload(user, uploadName(options.name), body, options.maxBytes);
  return importSaved(db, user, upload, options);
}

/** Imports a saved upload (the route saves first, so a refused upload is refused with its own status). */
export async function importSaved(
  db: Db,
  user: SessionUser,
  upload: UploadedImport,
  options: UploadOptions,
): Promise<ImportReport & { uploadId: string }> {
  options.onProgress?.({ rowsRead: 0, bytesRead: 0, totalBytes: upload.bytes });
  const report = await importFile(db, {
    kind: options.kind,
    onProgress: options.onProgress,
    signal: options.signal,
    file: upload.file,
    translate: options.translate,
    dryRun: options.dryRun,
    userId: user.id,
    rejectedPath: path.join(upload.dir, "rejected.csv"),
  });
  // The report goes to the browser: the server's folder layout stays home.
  return {
    ...report,
    file: path.basename(report.file),
    rejectedFile: report.rejectedFile ? "rejected.csv" : undefined,
    uploadId: upload.id,
  };
}

/** The rejected rows of an upload, for the admin who uploaded it only; the download is audited. */
export async function rejectedRows(
  db: Db,
  user: SessionUser,
  uploadId: string,
): Promise<{ path: string; name: string }> {
  const dir = path.join(ROOT, uploadId);
  const owner = await fs.promises
    .readFile(path.join(dir, "owner.json"), "utf8")
    .then((text) => JSON.parse(text) as Owner)
    .catch(() => null);
  const file = path.join(dir, "rejected.csv");
  if (!owner || owner.userId !== user.id || !fs.existsSync(file)) {
    throw new AppError("NOT_FOUND", "errors.notFound");
  }
  await writeAudit(db, {
    userId: user.id,
    action: "import_rejected_download",
    detail: { uploadId, file: owner.name },
  });
  const stem = owner.name.replace(/\.[^.]+$/, "");
  return { path: file, name: `${stem}.rejected.csv` };
}
