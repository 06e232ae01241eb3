import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline, Readable } from "node:stream";
import { parse } from "csv-parse";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { areas, buildings, households, persons, rooms } from "@/db/schema";
import type { Translate } from "@/domain/i18n";
import {
  type HeaderMap,
  type ImportField,
  mapHeaders,
  type PersonImportRecord,
  parsePersonRow,
  personKey,
  type RowProblem,
} from "@/domain/import/persons";
import { writeAudit } from "./audit";
import { insertFromRecordset, updateFromRecordset } from "./bulk";

/**
 * Import of persons and their households from a CSV file (`npm run import -- --kind persons`).
 *
 * - The file is streamed: read → decoded → csv-parse, a batch of rows at a time; 100,000 rows never sit
 *   in memory together. Only the natural keys already seen (for duplicates) and the places resolved
 *   (communities, buildings, rooms, households) are kept.
 * - Encoding: UTF-8 (with or without BOM), else GB18030 (which covers GBK and GB2312). The whole file
 *   is checked by a first streamed pass before anything is written; a file that is neither is refused
 *   as "wrong encoding" and nothing is written.
 * - Each batch (2,000 rows by default) is written in ONE transaction: households created by 户号 when
 *   missing (their room must exist: building code + unit + room number, inside the community named),
 *   persons upserted by (证件类型, 证件号码) — inserted, updated (changed fields only, version bumped) or
 *   counted unchanged. A batch that fails on the database rolls back alone; the import stops there,
 *   and the report's `stoppedAt` gives the first row not imported. Rows of earlier batches stay
 *   committed; re-running the same file finds them unchanged and imports the rest.
 * - Totals cover the settled rows: read = inserted + updated + unchanged + rejected. The rows of a batch
 *   that failed are not counted (they were not imported, and `stoppedAt` names where they start).
 * - A blank cell or a missing column never clears a register value (see domain/import/persons.ts).
 * - An existing household keeps its room: a row naming another room for it is rejected, not moved.
 * - A person ended earlier (moved out, deceased) who appears in a returned register is made current
 *   again (ended_at cleared): the department's file is the newer word.
 * - `dryRun` reads and judges every batch exactly as a real run would, but issues no write at all
 *   (households "created" by earlier rows are remembered in memory so later rows agree).
 * - Row numbers are the spreadsheet's: the header is row 1. Fully blank rows are skipped (not counted)
 *   but keep the numbering true.
 */

export type ImportEncoding = "utf-8" | "gb18030";

export interface ImportError {
  row: number;
  column: string;
  value: string;
  reason: string;
  key: string;
}

export interface ImportReport {
  file: string;
  kind: "persons";
  encoding: ImportEncoding | null;
  dryRun: boolean;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  householdsCreated: number;
  batches: number;
  ignoredColumns: string[];
  stoppedAt?: { row: number; reason: string };
  errors: ImportError[];
  rejectedFile?: string;
  elapsedMs: number;
}

export interface ImportOptions {
  file: string;
  translate: Translate;
  dryRun?: boolean;
  mapping?: Record<string, ImportField>;
  batchSize?: number;
  userId?: string | null;
  /** Where rejected rows go (UTF-8 with BOM, same headers + 错误原因); null writes none. */
  rejectedPath?: string | null;
}

export const DEFAULT_BATCH_SIZE = 2_000;

// ---------------------------------------------------------------------------------------------
// Reading

const UTF8_BOM = [0xef, 0xbb, 0xbf];

async function decodesAs(file: string, label: ImportEncoding): Promise<boolean> {
  const decoder = new TextDecoder(label, { fatal: true });
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
      decoder.decode(chunk as Buffer, { stream: true });
    }
    decoder.decode();
    return true;
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}

/** UTF-8 (BOM or not), else GB18030; null when the whole file is neither. */
export async function detectEncoding(file: string): Promise<ImportEncoding | null> {
  const head = Buffer.alloc(3);
  const fd = await fs.promises.open(file, "r");
  try {
    await fd.read(head, 0, 3, 0);
  } finally {
    await fd.close();
  }
  if (UTF8_BOM.every((byte, i) => head[i] === byte)) return (await decodesAs(file, "utf-8")) ? "utf-8" : null;
  if (await decodesAs(file, "utf-8")) return "utf-8";
  if (await decodesAs(file, "gb18030")) return "gb18030";
  return null;
}

async function* decoded(file: string, encoding: ImportEncoding): AsyncGenerator<string> {
  // A UTF-8 BOM is consumed by the decoder (ignoreBOM is false).
  const decoder = new TextDecoder(encoding, { fatal: true });
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    const text = decoder.decode(chunk as Buffer, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

function records(file: string, encoding: ImportEncoding): AsyncIterable<string[]> {
  const parser = parse({ relax_column_count: true, skip_empty_lines: false });
  pipeline(Readable.from(decoded(file, encoding)), parser, () => {});
  return parser;
}

// ---------------------------------------------------------------------------------------------
// Rejected rows file

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const csvLine = (cells: readonly string[]) => `${cells.map(csvCell).join(",")}\r\n`;

class RejectedWriter {
  private out: fs.WriteStream | null = null;
  constructor(
    private readonly file: string,
    private readonly headers: string[],
    private readonly reasonHeader: string,
  ) {}
  async write(cells: readonly string[], reason: string): Promise<void> {
    if (!this.out) {
      this.out = fs.createWriteStream(this.file);
      this.out.write(`\uFEFF${csvLine([...this.headers, this.reasonHeader])}`);
    }
    const padded = [...cells, ...Array(Math.max(0, this.headers.length - cells.length)).fill("")];
    if (!this.out.write(csvLine([...padded.slice(0, this.headers.length), reason]))) {
      await new Promise<void>((resolve) => this.out?.once("drain", () => resolve()));
    }
  }
  get written(): boolean {
    return this.out !== null;
  }
  async close(): Promise<void> {
    const out = this.out;
    if (out)
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Places: cached for the whole file (a street has a few thousand buildings and rooms)

interface Room {
  id: string;
  gridId: string;
  label: string;
}
interface Household {
  id: string;
  roomId: string;
  gridId: string;
  kind: string;
  version: number;
  where: string;
  created: boolean;
}

class Places {
  communities = new Map<string, string | null>(); // code → path
  buildings = new Map<string, { id: string; gridId: string; gridPath: string } | null>();
  rooms = new Map<string, Room>(); // buildingId|unit|room
  roomsLoaded = new Set<string>();
  households = new Map<string, Household>();

  async load(db: Db, batch: readonly Pending[]): Promise<void> {
    const communityCodes = new Set<string>();
    const buildingCodes = new Set<string>();
    for (const p of batch) {
      if (!p.record) continue;
      if (!this.communities.has(p.record.place.communityCode))
        communityCodes.add(p.record.place.communityCode);
      if (!this.buildings.has(p.record.place.buildingCode)) buildingCodes.add(p.record.place.buildingCode);
    }
    if (communityCodes.size > 0) {
      const found = await db
        .select({ code: areas.code, path: areas.path })
        .from(areas)
        .where(and(eq(areas.level, "community"), inArray(areas.code, [...communityCodes])));
      for (const code of communityCodes) this.communities.set(code, null);
      for (const row of found) this.communities.set(row.code, row.path);
    }
    if (buildingCodes.size > 0) {
      const found = await db
        .select({ id: buildings.id, code: buildings.code, gridId: buildings.gridId, gridPath: areas.path })
        .from(buildings)
        .innerJoin(areas, eq(areas.id, buildings.gridId))
        .where(inArray(buildings.code, [...buildingCodes]));
      for (const code of buildingCodes) this.buildings.set(code, null);
      for (const row of found) this.buildings.set(row.code, row);
      const ids = found.map((row) => row.id).filter((id) => !this.roomsLoaded.has(id));
      if (ids.length > 0) {
        const roomRows = await db
          .select({
            id: rooms.id,
            gridId: rooms.gridId,
            buildingId: rooms.buildingId,
            unitNo: rooms.unitNo,
            roomNo: rooms.roomNo,
          })
          .from(rooms)
          .where(inArray(rooms.buildingId, ids));
        const codeOf = new Map(found.map((row) => [row.id, row.code]));
        for (const r of roomRows) {
          this.rooms.set(roomKey(r.buildingId, r.unitNo, r.roomNo), {
            id: r.id,
            gridId: r.gridId,
            label: placeLabel(codeOf.get(r.buildingId) ?? "", r.unitNo, r.roomNo),
          });
        }
        for (const id of ids) this.roomsLoaded.add(id);
      }
    }
    const numbers = new Set<string>();
    for (const p of batch) {
      if (p.record && !this.households.has(p.record.household.householdNo))
        numbers.add(p.record.household.householdNo);
    }
    if (numbers.size > 0) {
      const found = await db
        .select({
          id: households.id,
          householdNo: households.householdNo,
          roomId: households.roomId,
          gridId: households.gridId,
          kind: households.kind,
          version: households.version,
          buildingCode: buildings.code,
          unitNo: rooms.unitNo,
          roomNo: rooms.roomNo,
        })
        .from(households)
        .innerJoin(rooms, eq(rooms.id, households.roomId))
        .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
        .where(inArray(households.householdNo, [...numbers]));
      for (const h of found) {
        this.households.set(h.householdNo, {
          id: h.id,
          roomId: h.roomId,
          gridId: h.gridId,
          kind: h.kind,
          version: h.version,
          where: placeLabel(h.buildingCode, h.unitNo, h.roomNo),
          created: false,
        });
      }
    }
  }
}

const roomKey = (buildingId: string, unitNo: string | null, roomNo: string) =>
  `${buildingId}|${unitNo ?? ""}|${roomNo}`;
const placeLabel = (building: string, unitNo: string | null, roomNo: string) =>
  [building, unitNo ? `${unitNo}单元` : null, roomNo].filter(Boolean).join(" ");

// ---------------------------------------------------------------------------------------------
// One batch

interface Pending {
  row: number;
  cells: string[];
  record: PersonImportRecord | null;
  problems: RowProblem[];
}

type Outcome = "inserted" | "updated" | "unchanged" | "rejected";

type PersonRow = typeof persons.$inferSelect;

const PERSON_DEFAULTS = { personType: "01", disability: false, lowIncome: false, unemployed: false };

const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);

interface BatchResult {
  outcomes: Outcome[];
  householdsCreated: number;
}

async function judgeAndWrite(
  db: Db,
  places: Places,
  batch: Pending[],
  columnOf: (field: ImportField) => string,
  write: boolean,
  now: Date,
): Promise<BatchResult> {
  await places.load(db, batch);
  const outcomes: Outcome[] = batch.map((p) => (p.problems.length > 0 ? "rejected" : "inserted"));
  const newHouseholds: Record<string, unknown>[] = [];
  const householdKinds: Record<string, unknown>[] = [];
  const placed = new Map<number, { household: Household; room: Room }>();

  batch.forEach((p, i) => {
    if (!p.record) return;
    const { place, household } = p.record;
    const reject = (
      field: ImportField,
      value: string,
      key: string,
      params?: Record<string, string>,
    ): void => {
      p.problems.push({ column: columnOf(field), value, key, params });
      outcomes[i] = "rejected";
    };
    const communityPath = places.communities.get(place.communityCode);
    if (!communityPath) {
      reject("communityCode", place.communityCode, "import.community.unknown");
      return;
    }
    const building = places.buildings.get(place.buildingCode);
    if (!building) {
      reject("buildingCode", place.buildingCode, "import.building.unknown");
      return;
    }
    if (!building.gridPath.startsWith(communityPath)) {
      reject("buildingCode", place.buildingCode, "import.building.outsideCommunity");
      return;
    }
    const room = places.rooms.get(roomKey(building.id, place.unitNo, place.roomNo));
    if (!room) {
      reject("roomNo", place.roomNo, "import.room.unknown", { unit: place.unitNo ?? "—" });
      return;
    }

    let hh = places.households.get(household.householdNo);
    if (!hh) {
      hh = {
        id: randomUUID(),
        roomId: room.id,
        gridId: room.gridId,
        kind: household.kind ?? "1",
        version: 1,
        where: room.label,
        created: true,
      };
      places.households.set(household.householdNo, hh);
      newHouseholds.push({
        id: hh.id,
        gridId: hh.gridId,
        roomId: hh.roomId,
        householdNo: household.householdNo,
        kind: hh.kind,
        source: "import",
      });
    } else if (hh.roomId !== room.id) {
      reject("householdNo", household.householdNo, "import.household.otherRoom", {
        householdNo: household.householdNo,
        where: hh.where,
      });
      return;
    } else if (household.kind && household.kind !== hh.kind) {
      hh.kind = household.kind;
      if (!hh.created) {
        hh.version += 1;
        householdKinds.push({ id: hh.id, kind: hh.kind, version: hh.version, updatedAt: now });
      } else {
        const pendingRow = newHouseholds.find((row) => row.id === hh?.id);
        if (pendingRow) pendingRow.kind = hh.kind;
      }
    }
    placed.set(i, { household: hh, room });
  });

  // Persons: read the batch's existing rows by natural key, in one statement.
  const keys = batch.flatMap((p, i) =>
    placed.has(i) && p.record
      ? [{ id_type: p.record.person.idType, id_number: p.record.person.idNumber }]
      : [],
  );
  const existing = new Map<string, PersonRow>();
  if (keys.length > 0) {
    const found = await db
      .select()
      .from(persons)
      .where(
        sql`(${persons.idType}, ${persons.idNumber}) in (select k.id_type, k.id_number from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(id_type text, id_number text))`,
      );
    for (const row of found) existing.set(personKey(row), row);
  }

  const inserts: Record<string, unknown>[] = [];
  const updates = new Map<string, { fields: string[]; rows: Record<string, unknown>[] }>();
  batch.forEach((p, i) => {
    const at = placed.get(i);
    if (!at || !p.record) return;
    const wanted: Record<string, unknown> = {
      ...p.record.person,
      householdId: at.household.id,
      roomId: at.room.id,
      gridId: at.room.gridId,
    };
    const current = existing.get(personKey(p.record.person));
    if (!current) {
      inserts.push({ ...PERSON_DEFAULTS, ...wanted, id: randomUUID(), source: "import" });
      outcomes[i] = "inserted";
      return;
    }
    const changed = Object.keys(wanted).filter(
      (field) => !same(current[field as keyof PersonRow], wanted[field]),
    );
    if (current.endedAt) {
      changed.push("endedAt", "endReason");
      wanted.endedAt = null;
      wanted.endReason = null;
    }
    if (changed.length === 0) {
      outcomes[i] = "unchanged";
      return;
    }
    changed.sort();
    const group = updates.get(changed.join(",")) ?? { fields: changed, rows: [] };
    group.rows.push({ ...wanted, id: current.id, version: current.version + 1, updatedAt: now });
    updates.set(changed.join(","), group);
    outcomes[i] = "updated";
  });

  if (write) {
    await insertFromRecordset(
      db,
      households,
      ["id", "gridId", "roomId", "householdNo", "kind", "source"],
      newHouseholds,
    );
    await updateFromRecordset(db, households, ["kind", "version", "updatedAt"], householdKinds);
    if (inserts.length > 0) {
      const fields = [...new Set(inserts.flatMap((row) => Object.keys(row)))];
      await insertFromRecordset(db, persons, fields, inserts);
    }
    for (const { fields, rows } of updates.values()) {
      await updateFromRecordset(db, persons, [...fields, "version", "updatedAt"], rows);
    }
  }
  return { outcomes, householdsCreated: newHouseholds.length };
}

function dbMessage(error: unknown): string {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof Error && !/^Failed query/.test(e.message)) return e.message;
    if (!(e instanceof Error)) break;
  }
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

// ---------------------------------------------------------------------------------------------
// The service

export async function importPersons(db: Db, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const t = options.translate;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const dryRun = options.dryRun ?? false;
  const report: ImportReport = {
    file: options.file,
    kind: "persons",
    encoding: null,
    dryRun,
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    householdsCreated: 0,
    batches: 0,
    ignoredColumns: [],
    errors: [],
    elapsedMs: 0,
  };
  const fileError = (key: string, column = "", params: Record<string, string> = {}) => {
    report.errors.push({ row: 1, column, value: "", reason: t(key, { column, ...params }), key });
  };
  const finish = async (): Promise<ImportReport> => {
    report.elapsedMs = Math.round(performance.now() - started);
    await writeAudit(db, {
      userId: options.userId ?? null,
      action: dryRun ? "import_dry_run" : "import",
      entity: "persons",
      detail: {
        file: path.basename(options.file),
        encoding: report.encoding,
        read: report.read,
        inserted: report.inserted,
        updated: report.updated,
        unchanged: report.unchanged,
        rejected: report.rejected,
        householdsCreated: report.householdsCreated,
        batches: report.batches,
        stoppedAt: report.stoppedAt ?? null,
      },
    });
    return report;
  };

  report.encoding = await detectEncoding(options.file);
  if (!report.encoding) {
    fileError("import.encoding");
    report.stoppedAt = { row: 1, reason: t("import.encoding") };
    return finish();
  }

  const iterator = records(options.file, report.encoding)[Symbol.asyncIterator]();
  let map: HeaderMap | null = null;
  let rejectedWriter: RejectedWriter | null = null;
  const seen = new Map<string, number>();
  const places = new Places();
  let row = 1;
  let batch: Pending[] = [];

  const columnOf = (field: ImportField): string => {
    const i = map?.index[field];
    return i === undefined || !map ? field : map.headers[i];
  };

  const settle = async (pending: Pending[]): Promise<boolean> => {
    if (pending.length === 0) return true;
    const now = new Date();
    let result: BatchResult;
    try {
      result = dryRun
        ? await judgeAndWrite(db, places, pending, columnOf, false, now)
        : await db.transaction((tx) => judgeAndWrite(tx, places, pending, columnOf, true, now));
    } catch (error) {
      const first = pending[0].row;
      report.stoppedAt = {
        row: first,
        reason: t("import.stopped", { row: first, reason: dbMessage(error) }),
      };
      return false;
    }
    report.batches += 1;
    report.householdsCreated += result.householdsCreated;
    for (const [i, outcome] of result.outcomes.entries()) {
      const p = pending[i];
      report.read += 1;
      report[outcome] += 1;
      if (outcome !== "rejected") continue;
      const reasons: string[] = [];
      for (const problem of p.problems) {
        const reason = t(problem.key, { ...problem.params, column: problem.column });
        report.errors.push({
          row: p.row,
          column: problem.column,
          value: problem.value,
          reason,
          key: problem.key,
        });
        reasons.push(`${problem.column}：${reason}`);
      }
      await rejectedWriter?.write(p.cells, reasons.join("；"));
    }
    return true;
  };

  try {
    while (true) {
      let next: IteratorResult<string[]>;
      try {
        next = await iterator.next();
      } catch (error) {
        // A CSV syntax error (an unclosed quote…): what came before it is imported, the rest is not.
        if (await settle(batch)) {
          report.stoppedAt = { row: row + 1, reason: dbMessage(error) };
        }
        batch = [];
        break;
      }
      if (next.done) break;
      const cells = next.value;
      if (!map) {
        map = mapHeaders(cells, options.mapping);
        report.ignoredColumns = map.ignored;
        if (map.problems.length > 0) {
          for (const problem of map.problems)
            fileError(problem.key, problem.column, problem.params as Record<string, string>);
          report.stoppedAt = { row: 1, reason: report.errors.map((e) => e.reason).join("；") };
          return await finish();
        }
        if (options.rejectedPath) {
          fs.rmSync(options.rejectedPath, { force: true });
          rejectedWriter = new RejectedWriter(options.rejectedPath, map.headers, t("import.rejectedReason"));
        }
        continue;
      }
      row += 1;
      if (cells.every((cell) => cell.trim() === "")) continue;
      const parsed = parsePersonRow(map, cells);
      const pending: Pending = {
        row,
        cells,
        record: parsed.ok ? parsed.record : null,
        problems: parsed.ok ? [] : parsed.problems,
      };
      if (parsed.ok) {
        const key = personKey(parsed.record.person);
        const first = seen.get(key);
        if (first !== undefined) {
          pending.problems.push({
            column: columnOf("idNumber"),
            value: cells[map.index.idNumber ?? 0] ?? "",
            key: "import.duplicate",
            params: { row: first },
          });
          pending.record = null;
        } else seen.set(key, row);
      }
      batch.push(pending);
      if (batch.length >= batchSize) {
        const ok = await settle(batch);
        batch = [];
        if (!ok) break;
      }
    }
    if (!map) {
      fileError("import.empty");
      report.stoppedAt = { row: 1, reason: t("import.empty") };
      return await finish();
    }
    if (!report.stoppedAt) await settle(batch);
  } finally {
    await iterator.return?.();
    await rejectedWriter?.close();
  }
  if (rejectedWriter?.written && options.rejectedPath) report.rejectedFile = options.rejectedPath;
  return finish();
}
