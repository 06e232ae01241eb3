import "server-only";
import { and, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import type { Db } from "@/db/client";
import { questionnaires } from "@/db/schema";
import type { Translate } from "@/domain/i18n";
import {
  type DefinitionProblem,
  definitionWorkbook,
  parseDefinition,
  problemText,
  type QuestionnaireDefinition,
  questionCount,
  type SheetRow,
  textIn,
  type Workbook,
} from "@/domain/questionnaire";
import { AppError, notFound } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { lockOwnCampaign, type Meta, ownCampaign, visibleCampaign } from "./campaigns";
import { safeFileName } from "./export-file";
import { cellText } from "./import";

/**
 * Campaign questionnaires: an administrator uploads an XLSForm workbook for a campaign wholly in their
 * area; a clean one becomes the campaign's draft (its next version number, at most one draft per
 * campaign: a second upload replaces it), a faulty one is refused with every problem, and nothing is
 * stored. The administrator previews the draft with the phone's renderer, then publishes it (from
 * then on never changed, so a visit answered in it can always be checked and read with its own
 * labels) or discards it. Phones receive the newest published version in their pull (pull.ts); the
 * push checks answers against the published version they were given in (push.ts).
 */

export interface QuestionnaireSummary {
  version: number;
  title: string;
  questions: number;
  sourceFile: string;
  createdAt: Date;
  /** Null while the version is a draft. */
  publishedAt: Date | null;
}

/** One line of the report of a refused workbook, already in the caller's language. */
export interface UploadProblem {
  sheet: string;
  row: number;
  column: string;
  cell: string;
  message: string;
}

export type UploadResult = ({ ok: true } & QuestionnaireSummary) | { ok: false; problems: UploadProblem[] };

/**
 * Every sheet of the workbook by name, as rows of cell text (the import reads only the first sheet;
 * a questionnaire is spread over three). The file is small (QUESTIONNAIRE_MAX_BYTES), so it is read
 * whole. Empty rows are kept out; each row keeps its number in the sheet for the report.
 */
export async function readWorkbook(bytes: Uint8Array): Promise<Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new AppError("BAD_REQUEST", "questionnaireUpload.unreadable");
  }
  const sheets: Record<string, SheetRow[]> = {};
  workbook.eachSheet((sheet) => {
    const rows: SheetRow[] = [];
    sheet.eachRow((row) => {
      const values = row.values as ExcelJS.CellValue[];
      const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]));
      rows.push({ row: row.number, cells });
    });
    sheets[sheet.name] = rows;
  });
  return sheets;
}

/**
 * Sheets of rows written as an XLSX workbook, each row on its own row number (a definition keeps its
 * survey rows' numbers), every cell as text: never a number or a formula, so `=`, `1` or a date-like
 * answer is read back exactly as written.
 */
export async function workbookBytes(workbook: Workbook, title: string): Promise<Uint8Array> {
  const out = new ExcelJS.Workbook();
  out.creator = "Doorstep";
  out.title = title;
  for (const [name, rows] of Object.entries(workbook)) {
    const sheet = out.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
    for (const { row, cells } of rows) {
      const line = sheet.getRow(row);
      cells.forEach((cell, i) => {
        if (cell !== "") line.getCell(i + 1).value = cell;
      });
      if (row === 1) line.font = { bold: true };
    }
    (sheet.columns ?? []).forEach((column) => {
      column.width = 18;
    });
  }
  return new Uint8Array((await out.xlsx.writeBuffer()) as ArrayBuffer);
}

const summaryOf = (row: {
  version: number;
  title: string;
  definition: unknown;
  sourceFile: string;
  createdAt: Date;
  publishedAt: Date | null;
}): QuestionnaireSummary => ({
  version: row.version,
  title: row.title,
  questions: questionCount(row.definition as QuestionnaireDefinition),
  sourceFile: row.sourceFile,
  createdAt: row.createdAt,
  publishedAt: row.publishedAt,
});

const published = isNotNull(questionnaires.publishedAt);

export async function uploadQuestionnaire(
  db: Db,
  user: SessionUser,
  input: { campaignId: string; fileName: string; bytes: Uint8Array },
  meta: Meta & { translate: Translate },
): Promise<UploadResult> {
  // The campaign is checked before the file is read: someone else's campaign learns nothing of it.
  await lockOwnCampaign(db, user, input.campaignId);
  const parsed = parseDefinition(await readWorkbook(input.bytes));
  if (!parsed.ok) {
    return {
      ok: false,
      problems: parsed.problems.map((p: DefinitionProblem) => ({
        sheet: p.sheet,
        row: p.row,
        column: p.column,
        cell: p.cell,
        message: problemText(p, meta.translate),
      })),
    };
  }
  const definition = parsed.definition;
  return db.transaction(async (tx) => {
    const campaign = await lockOwnCampaign(tx, user, input.campaignId);
    if (campaign.status === "closed") throw new AppError("CONFLICT", "questionnaireUpload.closed");
    // The campaign row is locked: two uploads at once take turns. A draft already there is replaced
    // (it was never usable, so nothing refers to it); otherwise the draft takes the next number.
    const [latest] = await tx
      .select({ version: questionnaires.version, publishedAt: questionnaires.publishedAt })
      .from(questionnaires)
      .where(eq(questionnaires.campaignId, input.campaignId))
      .orderBy(desc(questionnaires.version))
      .limit(1);
    const replaces = !!latest && latest.publishedAt === null;
    const version = replaces ? latest.version : (latest?.version ?? 0) + 1;
    const title =
      textIn(definition.settings.title, definition.settings.defaultLanguage) || definition.settings.formId;
    const values = {
      title,
      definition,
      sourceFile: input.fileName,
      createdBy: user.id,
      createdAt: meta.now,
      publishedAt: null,
    };
    const [row] = replaces
      ? await tx
          .update(questionnaires)
          .set(values)
          .where(and(eq(questionnaires.campaignId, input.campaignId), eq(questionnaires.version, version)))
          .returning()
      : await tx
          .insert(questionnaires)
          .values({ campaignId: input.campaignId, version, ...values })
          .returning();
    const summary = summaryOf(row);
    await writeAudit(tx, {
      userId: user.id,
      action: "questionnaire.upload",
      entity: "campaign",
      entityId: input.campaignId,
      areaPath: user.areaPath,
      ip: meta.ip,
      detail: {
        version,
        draft: true,
        replacedDraft: replaces,
        title,
        file: input.fileName,
        formId: definition.settings.formId,
        formVersion: definition.settings.version,
        questions: summary.questions,
      },
    });
    return { ok: true as const, ...summary };
  });
}

/** The version in force (the newest published) of a campaign the caller can see, or null when it has none. */
export async function currentQuestionnaire(
  db: Db,
  user: SessionUser,
  campaignId: string,
): Promise<QuestionnaireSummary | null> {
  await visibleCampaign(db, user, campaignId);
  const [row] = await db
    .select()
    .from(questionnaires)
    .where(and(eq(questionnaires.campaignId, campaignId), published))
    .orderBy(desc(questionnaires.version))
    .limit(1);
  return row ? summaryOf(row) : null;
}

/** One published version's definition (the push checks answers against it), or null. */
export async function questionnaireVersion(
  db: Db,
  campaignId: string,
  version: number,
): Promise<QuestionnaireDefinition | null> {
  const [row] = await db
    .select({ definition: questionnaires.definition })
    .from(questionnaires)
    .where(and(eq(questionnaires.campaignId, campaignId), eq(questionnaires.version, version), published));
  return row ? (row.definition as QuestionnaireDefinition) : null;
}

/** Every published version of a campaign the caller can see, newest first. */
export async function questionnaireVersions(
  db: Db,
  user: SessionUser,
  campaignId: string,
): Promise<QuestionnaireSummary[]> {
  await visibleCampaign(db, user, campaignId);
  const rows = await db
    .select()
    .from(questionnaires)
    .where(and(eq(questionnaires.campaignId, campaignId), published))
    .orderBy(desc(questionnaires.version));
  return rows.map(summaryOf);
}

export interface QuestionnaireFile {
  bytes: Uint8Array;
  /** 老年人健康档案-v2.xlsx */
  fileName: string;
  asciiFileName: string;
}

/**
 * One published version written back as an XLSForm workbook (survey, choices, settings) that uploads
 * again to the same definition: to edit and upload as the next version. For an administrator or a
 * supervisor whose area touches the campaign (anyone else learns nothing: not found); audited as
 * `questionnaire.download`.
 */
export async function downloadQuestionnaire(
  db: Db,
  user: SessionUser,
  input: { campaignId: string; version: number },
  meta: Meta,
): Promise<QuestionnaireFile> {
  await visibleCampaign(db, user, input.campaignId);
  const [row] = await db
    .select()
    .from(questionnaires)
    .where(
      and(
        eq(questionnaires.campaignId, input.campaignId),
        eq(questionnaires.version, input.version),
        published,
      ),
    );
  if (!row) throw notFound();
  const definition = row.definition as QuestionnaireDefinition;
  const bytes = await workbookBytes(definitionWorkbook(definition), row.title);
  await writeAudit(db, {
    userId: user.id,
    action: "questionnaire.download",
    entity: "campaign",
    entityId: input.campaignId,
    areaPath: user.areaPath,
    ip: meta.ip,
    detail: { version: row.version, title: row.title, formId: definition.settings.formId },
  });
  const base = safeFileName(row.title) || "questionnaire";
  return {
    bytes,
    fileName: `${base}-v${row.version}.xlsx`,
    asciiFileName: `${safeFileName(definition.settings.formId).replace(/[^\x20-\x7e]/g, "") || "questionnaire"}-v${row.version}.xlsx`,
  };
}

export interface QuestionnaireDraft extends QuestionnaireSummary {
  /** The definition the preview renders with the phone's own renderer. */
  definition: QuestionnaireDefinition;
}

/**
 * The campaign's draft with its definition, for the preview, or null when it has none: for an
 * administrator who may change the campaign (anyone else: not found, as for the upload).
 */
export async function questionnaireDraft(
  db: Db,
  user: SessionUser,
  campaignId: string,
): Promise<QuestionnaireDraft | null> {
  await ownCampaign(db, user, campaignId);
  const [row] = await db
    .select()
    .from(questionnaires)
    .where(and(eq(questionnaires.campaignId, campaignId), isNull(questionnaires.publishedAt)));
  return row ? { ...summaryOf(row), definition: row.definition as QuestionnaireDefinition } : null;
}

/**
 * Publishes the campaign's draft `version`: from now on it is the version in force (phones receive it
 * at their next pull) and never changes. Audited as `questionnaire.publish`. A version already
 * published, or one that is not the campaign's, is refused and nothing changes.
 */
export async function publishQuestionnaire(
  db: Db,
  user: SessionUser,
  input: { campaignId: string; version: number },
  meta: Meta,
): Promise<QuestionnaireSummary> {
  return db.transaction(async (tx) => {
    const campaign = await lockOwnCampaign(tx, user, input.campaignId);
    if (campaign.status === "closed") throw new AppError("CONFLICT", "questionnaireUpload.closed");
    const [row] = await tx
      .select()
      .from(questionnaires)
      .where(and(eq(questionnaires.campaignId, input.campaignId), eq(questionnaires.version, input.version)));
    if (!row) throw notFound();
    if (row.publishedAt)
      throw new AppError("CONFLICT", "questionnairePublish.already", { version: row.version });
    const [done] = await tx
      .update(questionnaires)
      .set({ publishedAt: meta.now, publishedBy: user.id })
      .where(eq(questionnaires.id, row.id))
      .returning();
    const definition = row.definition as QuestionnaireDefinition;
    await writeAudit(tx, {
      userId: user.id,
      action: "questionnaire.publish",
      entity: "campaign",
      entityId: input.campaignId,
      areaPath: user.areaPath,
      ip: meta.ip,
      detail: {
        version: row.version,
        title: row.title,
        file: row.sourceFile,
        formId: definition.settings.formId,
        questions: questionCount(definition),
      },
    });
    return summaryOf(done);
  });
}

/** Deletes the campaign's draft `version` (never usable, so nothing refers to it). Audited. */
export async function discardQuestionnaireDraft(
  db: Db,
  user: SessionUser,
  input: { campaignId: string; version: number },
  meta: Meta,
): Promise<{ version: number }> {
  return db.transaction(async (tx) => {
    await lockOwnCampaign(tx, user, input.campaignId);
    const [row] = await tx
      .delete(questionnaires)
      .where(
        and(
          eq(questionnaires.campaignId, input.campaignId),
          eq(questionnaires.version, input.version),
          isNull(questionnaires.publishedAt),
        ),
      )
      .returning({
        version: questionnaires.version,
        title: questionnaires.title,
        file: questionnaires.sourceFile,
      });
    if (!row) throw notFound();
    await writeAudit(tx, {
      userId: user.id,
      action: "questionnaire.discard",
      entity: "campaign",
      entityId: input.campaignId,
      areaPath: user.areaPath,
      ip: meta.ip,
      detail: row,
    });
    return { version: row.version };
  });
}

/**
 * Published definitions kept in the server process by questionnaire row: a published version never
 * changes, so each is read from the database once, and stays the same object, which the evaluator
 * compiles once (domain/questionnaire/evaluate.ts keeps the compiled form per definition object) —
 * not once per pushed batch. Keyed by the row's id, never by campaign and version alone, so no other
 * database (a test's, a restored one) can be answered from it. The oldest go first past the bound.
 */
const publishedCache = new Map<string, QuestionnaireDefinition>();
const PUBLISHED_CACHE_MAX = 64;

/**
 * The published definitions of these versions in these campaigns, by `campaignId|version`: drafts are
 * no version a phone can hold. One small query for which rows they are, and the definitions of only
 * those not held yet.
 */
export async function publishedDefinitions(
  db: Db,
  campaignIds: readonly string[],
  versions: readonly number[],
): Promise<Map<string, QuestionnaireDefinition>> {
  const out = new Map<string, QuestionnaireDefinition>();
  if (campaignIds.length === 0 || versions.length === 0) return out;
  const inCampaigns = sql`${questionnaires.campaignId} = any(${sql.param([...campaignIds])}::uuid[])`;
  const ofVersions = sql`${questionnaires.version} = any(${sql.param([...versions])}::int[])`;
  const rows = await db
    .select({ id: questionnaires.id, campaignId: questionnaires.campaignId, version: questionnaires.version })
    .from(questionnaires)
    .where(and(inCampaigns, ofVersions, published));
  const missing = rows.filter((row) => !publishedCache.has(row.id)).map((row) => row.id);
  if (missing.length > 0) {
    const read = await db
      .select({ id: questionnaires.id, definition: questionnaires.definition })
      .from(questionnaires)
      .where(and(sql`${questionnaires.id} = any(${sql.param(missing)}::uuid[])`, published));
    for (const row of read) publishedCache.set(row.id, row.definition as QuestionnaireDefinition);
    while (publishedCache.size > PUBLISHED_CACHE_MAX)
      publishedCache.delete(publishedCache.keys().next().value as string);
  }
  for (const row of rows) {
    const definition = publishedCache.get(row.id);
    if (definition) out.set(`${row.campaignId}|${row.version}`, definition);
  }
  return out;
}
