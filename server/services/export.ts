import "server-only";
import { and, eq, isNotNull, type SQL, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import {
  areas,
  buildings,
  campaignAreas,
  campaigns,
  campaignTargets,
  changes,
  households,
  persons,
  questionnaires,
  rentals,
  rentalTenants,
  rollupRegister,
  rooms,
  units,
  users,
  visits,
} from "@/db/schema";
import { callEscalates, callNumbers } from "@/domain/counts";
import {
  AGE_BANDS,
  type ChangeRow,
  changesTable,
  ELDERLY_FROM_AGE,
  emptyCounts,
  type IndustryRow,
  MIGRANT_PERSON_TYPE,
  type ResultRow,
  registerTable,
  resultsTable,
  type StatisticsRow,
  type StatisticsTableKey,
  statisticsTables,
  type TargetResultRow,
  targetsTable,
} from "@/domain/export";
import { distanceMeters, FAR_FROM_BUILDING_M } from "@/domain/geo";
import type { Locale, Translate } from "@/domain/i18n";
import { IMPORT_COLUMNS, type ImportKind } from "@/domain/import";
import type { ExportTable } from "@/domain/progress";
import { chinaDay } from "@/domain/progress";
import type { QuestionnaireDefinition } from "@/domain/questionnaire";
import { type AnswerVisit, answerTables } from "@/domain/questionnaire/export";
import { AppError, notFound } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { type ExportFile, type ExportFormat, pagedTableFile, tableFile } from "./export-file";
import { nameList, noteNames } from "./note-names";
import { placeWords } from "./place-words";
import { statisticsReader } from "./rollup";
import { areaInScope, visibleCampaigns } from "./scope";

/**
 * The files that leave the system upward: a campaign's visit results and changes, the register of an
 * area (any import kind), and statistics per community and grid. Each is cut to an area under the
 * caller's (anything else answers NOT_FOUND, like a missing area), written to the audit log with its
 * row counts, and read in one repeatable-read snapshot so its tables agree; except the register, which
 * grows with the area (a district's persons) and is written as it is read, a run of buildings at a time.
 *
 * Masking: results and changes mask names, ID numbers and phones (a reviewer's default view; a file
 * that leaves the system gets no more). The register cannot be masked and still re-import, so it is
 * for administrators only and its audit row says it was unmasked, which kind, and how many records.
 */

export interface ExportOptions {
  now: Date;
  ip: string;
  locale: Locale;
  translate: Translate;
  /** Buildings per page of a register file (tests make pages small to cross many page boundaries). */
  registerPageBuildings?: number;
  /**
   * Where the file's rows are read (Database.readDb: a replica when one is configured); the scope
   * checks and the audit row stay on `db`. Unset: `db`.
   */
  readDb?: Db;
}

/** A page of the register file: a street's buildings hold a few thousand persons at most per 100. */
const REGISTER_PAGE_BUILDINGS = 100;

export interface CampaignExportInput {
  format: ExportFormat;
  campaignId: string;
  areaId?: string;
}

export interface AreaExportInput {
  format: ExportFormat;
  areaId?: string;
  /** Statistics as CSV: one of the tables (a CSV holding all three has title lines between them). */
  table?: StatisticsTableKey;
}

type Area = Awaited<ReturnType<typeof areaInScope>>;

function readSnapshot<T>(db: Db, run: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((transaction) => run(transaction as unknown as Db), {
    isolationLevel: "repeatable read",
    accessMode: "read only",
  });
}

async function campaignInScope(db: Db, user: SessionUser, campaignId: string) {
  const campaign = (await visibleCampaigns(db, user)).find((c) => c.id === campaignId);
  if (!campaign) throw notFound();
  return campaign;
}

async function finish(
  db: Db,
  user: SessionUser,
  options: ExportOptions,
  audit: { action: string; entity: string; entityId: string; area: Area; detail?: Record<string, unknown> },
  tables: ExportTable<string>[],
  format: ExportFormat,
  names: { name: string; ascii: string },
): Promise<ExportFile> {
  const date = chinaDay(options.now);
  await writeAudit(db, {
    userId: user.id,
    action: audit.action,
    entity: audit.entity,
    entityId: audit.entityId,
    areaPath: audit.area.path,
    ip: options.ip,
    detail: {
      format,
      areaId: audit.area.id,
      // Rows under the header that describe the columns (an answers file's codes) are not records.
      rows: Object.fromEntries(tables.map((x) => [x.key, x.rows.length - ((x.frozenRows ?? 1) - 1)])),
      ...audit.detail,
    },
  });
  const t = options.translate;
  return tableFile(
    tables,
    format,
    t("export.fileName", { name: names.name, area: audit.area.name, date }),
    `${names.ascii}-${date}`,
  );
}

/** Community and grid of a grid row: `g` is the grid, `c` its community. */
const placeJoins = sql`
  join ${areas} g on g.id = r.grid_id
  left join ${areas} c on c.id = g.parent_id
  join ${buildings} b on b.id = r.building_id`;

/** The tenant a new tenancy (`ch`, field "*") names; null when its value names none. */
const tenantPersonId = sql`case when ch.observed_value ->> 'personId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
  then (ch.observed_value ->> 'personId')::uuid end`;

// ---------------------------------------------------------------------------------------------
// Results

type ResultSql = Omit<ResultRow, "distanceM" | "far" | "visitedAt" | "noteNames" | "attempt" | "escalate"> & {
  id: string;
  roomId: string;
  reviewState: ResultRow["reviewState"];
  visitedAt: Date | string;
  noteNames: unknown;
  lat: number | null;
  lng: number | null;
  buildingLat: number | null;
  buildingLng: number | null;
};

/** Where a visit of the results and answers exports was made and by whom (see campaignVisitsUnder). */
const visitPlaceColumns = sql`c.name as "communityName", g.name as "gridName", b.address as "address",
  r.unit_no as "unitNo", r.room_no as "roomNo", v.subject_type as "subjectType",
  h.household_no as "householdNo", u.name as "unitName", rt.landlord_name as "landlordName",
  o.display_name as "officer"`;

/**
 * The campaign's visits to rooms under the area with their place, officer and subject, in the
 * exports' order (community, grid, address, room, time). The results and the answers exports read
 * the same visits in the same order, so a visit's row numbers match across the two files.
 */
function campaignVisitsUnder(campaignId: string, areaPath: string) {
  return sql`
    from ${visits} v
    join ${rooms} r on r.id = v.room_id
    ${placeJoins}
    join ${users} o on o.id = v.officer_id
    left join ${households} h on v.subject_type = 'household' and h.id = v.subject_id
    left join ${units} u on v.subject_type = 'unit' and u.id = v.subject_id
    left join ${rentals} rt on v.subject_type = 'rental' and rt.id = v.subject_id
    where v.campaign_id = ${campaignId} and starts_with(g.path, ${areaPath})
    order by c.code nulls last, g.code, b.address, r.unit_no nulls first, r.room_no,
      date_trunc('second', v.visited_at), v.id`;
}

/** One row per visit of the campaign to a room under the area, by grid, address and time. */
export async function exportResults(
  db: Db,
  user: SessionUser,
  input: CampaignExportInput,
  options: ExportOptions,
): Promise<ExportFile> {
  const area = await areaInScope(db, user, input.areaId);
  const campaign = await campaignInScope(db, user, input.campaignId);
  const rows = await readSnapshot(options.readDb ?? db, async (tx) =>
    rowsOf<ResultSql>(
      await tx.execute(sql`
        select ${visitPlaceColumns},
          v.id as "id", v.room_id as "roomId", v.outcome as "outcome", v.visited_at as "visitedAt",
          v.lat as "lat", v.lng as "lng",
          b.lat as "buildingLat", b.lng as "buildingLng",
          v.review_state as "reviewState", v.review_comment as "reviewComment",
          v.note as "note", ${noteNames} as "noteNames"
        ${campaignVisitsUnder(campaign.id, area.path)}`),
    ),
  );
  // 上门次数 as domain/counts.ts numbers calls, over every visit of each room in the campaign (the area
  // holds whole rooms), not what the phone guessed when it saved the visit.
  const calls = callNumbers(rows);
  const results: ResultRow[] = rows.map(
    ({ id, roomId: _room, lat, lng, buildingLat, buildingLng, visitedAt, noteNames, ...row }) => {
      const call = calls.get(id);
      const distanceM =
        lat !== null && lng !== null && buildingLat !== null && buildingLng !== null
          ? distanceMeters({ lat, lng }, { lat: buildingLat, lng: buildingLng })
          : null;
      return {
        ...row,
        attempt: call?.attempt ?? 1,
        escalate: callEscalates(call),
        noteNames: nameList(noteNames),
        visitedAt: new Date(visitedAt),
        distanceM,
        far: distanceM === null ? null : distanceM > FAR_FROM_BUILDING_M,
      };
    },
  );
  const t = options.translate;
  const targets = await targetResults(options.readDb ?? db, campaign.id, area.path);
  // A targeted campaign's file answers every target (and every rejected line of a returned file);
  // as XLSX the visits follow on a sheet of their own, as CSV the targets are the file.
  const tables: ExportTable<string>[] = targets
    ? input.format === "csv"
      ? [targetsTable(targets, options.locale, t)]
      : [targetsTable(targets, options.locale, t), resultsTable(results, options.locale, t)]
    : [resultsTable(results, options.locale, t)];
  return finish(
    db,
    user,
    options,
    { action: "export_results", entity: "campaign", entityId: campaign.id, area },
    tables,
    input.format,
    { name: t("export.results.name"), ascii: "results" },
  );
}

type TargetSql = Omit<TargetResultRow, "answer" | "detail" | "visitedAt"> & {
  claimAnswer: "confirmed" | "refuted" | null;
  found: string | null;
  visitedAt: Date | string | null;
};

/**
 * A targeted campaign's targets under the area, each with its answer: the latest answer to its claim
 * (a returned file's), else the latest visit of the campaign at its door; with a returned file's
 * rejected rows when the area holds the whole campaign. Null for an every-door campaign.
 */
async function targetResults(
  db: Db,
  campaignId: string,
  areaPath: string,
): Promise<TargetResultRow[] | null> {
  const [campaign] = await db
    .select({ targetKind: campaigns.targetKind, targetFiles: campaigns.targetFiles })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  if (campaign.targetKind === "every_door") return null;
  const rows = rowsOf<TargetSql>(
    await db.execute(sql`
      select t.file_row as "fileRow", t.claim, coalesce(p.name, hh.household_no, u.name, rt.landlord_name, t.claim ->> 'name') as name,
        coalesce(p.id_number, t.claim ->> 'idNumber') as "idNumber",
        c.name as "communityName", g.name as "gridName", b.address, r.unit_no as "unitNo", r.room_no as "roomNo",
        t.claim ->> 'outcome' as match, a.answer as "claimAnswer", a.found,
        coalesce(a.outcome, lv.outcome) as outcome, coalesce(a.visited_at, lv.visited_at) as "visitedAt",
        coalesce(a.officer, lv.officer) as officer, coalesce(a.review_state, lv.review_state) as "reviewState"
      from ${campaignTargets} t
      join ${rooms} r on r.id = t.room_id
      ${placeJoins}
      left join ${persons} p on t.subject_kind = 'person' and p.id = t.subject_id
      left join ${households} hh on t.subject_kind = 'household' and hh.id = t.subject_id
      left join ${units} u on t.subject_kind = 'unit' and u.id = t.subject_id
      left join ${rentals} rt on t.subject_kind = 'rental' and rt.id = t.subject_id
      left join lateral (
        select ca ->> 'answer' as answer, ca ->> 'found' as found, v.outcome, v.visited_at, o.display_name as officer,
          v.review_state
        from ${visits} v cross join jsonb_array_elements(coalesce(v.claims, '[]'::jsonb)) ca
        join ${users} o on o.id = v.officer_id
        where v.campaign_id = t.campaign_id and v.room_id = t.room_id and ca ->> 'targetId' = t.id::text
        order by v.visited_at desc limit 1) a on true
      left join lateral (
        select v.outcome, v.visited_at, o.display_name as officer, v.review_state
        from ${visits} v join ${users} o on o.id = v.officer_id
        where v.campaign_id = t.campaign_id and v.room_id = t.room_id
        order by v.visited_at desc limit 1) lv on true
      where t.campaign_id = ${campaignId} and t.state = 'open' and starts_with(g.path, ${areaPath})
      order by t.file_row nulls last, c.code nulls last, g.code, b.address, r.unit_no nulls first, r.room_no, t.id`),
  );
  const answered: TargetResultRow[] = rows.map(({ claimAnswer, found, visitedAt, ...row }) => ({
    ...row,
    answer: claimAnswer ?? (row.claim ? "not_visited" : visitedAt ? "visited" : "not_visited"),
    detail: claimAnswer === "refuted" ? found : null,
    visitedAt: visitedAt ? new Date(visitedAt) : null,
  }));
  // Rejected lines have no place: they belong to the whole campaign, so only its whole area shows them.
  const [{ outside }] = rowsOf<{ outside: number }>(
    await db.execute(sql`select count(*)::int as outside from ${campaignAreas} ca join ${areas} a on a.id = ca.area_id
      where ca.campaign_id = ${campaignId} and not starts_with(a.path, ${areaPath})`),
  );
  if (outside > 0) return answered;
  const rejected: TargetResultRow[] = (campaign.targetFiles ?? []).flatMap((file) =>
    file.rows
      .filter((row) => row.outcome === "rejected")
      .map((row) => ({
        fileRow: row.row,
        claim: null,
        name: null,
        idNumber: null,
        communityName: null,
        gridName: null,
        address: null,
        unitNo: null,
        roomNo: null,
        match: "rejected" as const,
        answer: "rejected" as const,
        detail: [row.label, row.reason].filter(Boolean).join(" "),
        outcome: null,
        visitedAt: null,
        officer: null,
        reviewState: null,
      })),
  );
  // In the file's order, so the department reads its own list back.
  return [...answered, ...rejected].sort((a, b) => (a.fileRow ?? Infinity) - (b.fileRow ?? Infinity));
}

// ---------------------------------------------------------------------------------------------
// Questionnaire answers

/**
 * The campaign's questionnaire answers under the area (domain/questionnaire/export.ts): every visit,
 * each in its own version's labels, masked as the results are; XLSX with the repeats and statistics
 * sheets, CSV the answers sheet alone. A campaign without a questionnaire answers NOT_FOUND.
 */
export async function exportAnswers(
  db: Db,
  user: SessionUser,
  input: CampaignExportInput,
  options: ExportOptions,
): Promise<ExportFile> {
  const area = await areaInScope(db, user, input.areaId);
  const campaign = await campaignInScope(db, user, input.campaignId);
  const { versions, rows } = await readSnapshot(options.readDb ?? db, async (tx) => ({
    versions: await tx
      .select({ version: questionnaires.version, definition: questionnaires.definition })
      .from(questionnaires)
      // A draft has no answers, and its questions must not add columns.
      .where(and(eq(questionnaires.campaignId, campaign.id), isNotNull(questionnaires.publishedAt))),
    rows: rowsOf<
      Omit<AnswerVisit, "visitedAt" | "noteNames"> & { visitedAt: Date | string; noteNames: unknown }
    >(
      await tx.execute(sql`
        select ${visitPlaceColumns}, v.id as "id", v.visited_at as "visitedAt", v.outcome as "outcome", v.review_state as "reviewState",
          v.questionnaire_version as "questionnaireVersion", v.answers as "answers",
          ${noteNames} as "noteNames"
        ${campaignVisitsUnder(campaign.id, area.path)}`),
    ),
  }));
  if (versions.length === 0) throw notFound();
  const t = options.translate;
  const tables = answerTables(
    rows.map((row) => ({ ...row, visitedAt: new Date(row.visitedAt), noteNames: nameList(row.noteNames) })),
    versions.map((v) => ({ version: v.version, definition: v.definition as QuestionnaireDefinition })),
    options.locale,
    t,
  );
  return finish(
    db,
    user,
    options,
    { action: "export_answers", entity: "campaign", entityId: campaign.id, area },
    input.format === "csv" ? [tables.answers] : [tables.answers, tables.repeats, tables.statistics],
    input.format,
    { name: t("export.answers.name"), ascii: "answers" },
  );
}

// ---------------------------------------------------------------------------------------------
// Changes

/** Every changed field recorded in the campaign's visits under the area, register beside observed. */
export async function exportChanges(
  db: Db,
  user: SessionUser,
  input: CampaignExportInput,
  options: ExportOptions,
): Promise<ExportFile> {
  const area = await areaInScope(db, user, input.areaId);
  const campaign = await campaignInScope(db, user, input.campaignId);
  const rows = await readSnapshot(options.readDb ?? db, async (tx) =>
    rowsOf<Omit<ChangeRow, "visitedAt" | "noteNames"> & { visitedAt: Date | string; noteNames: unknown }>(
      await tx.execute(sql`
        select c.name as "communityName", g.name as "gridName", b.address as "address",
          r.unit_no as "unitNo", r.room_no as "roomNo", ch.entity as "entity",
          -- A record still waiting for review is not in the register yet: a new person is named by
          -- their own change, a new tenancy by its tenant (registered, or new in the same visit).
          case ch.entity
            when 'person' then coalesce(p.name, case when ch.field = '*' then ch.observed_value ->> 'name' end)
            when 'rental_tenant' then coalesce(tp.name, ntp.name, ntc.observed_value ->> 'name')
            when 'household' then h.household_no
            when 'unit' then u.name
            when 'rental' then rt.landlord_name
            when 'building' then eb.code
            else null
          end as "record",
          ch.field as "field", ch.register_value as "registerValue", ch.observed_value as "observedValue",
          ch.status as "status", ch.resolved_value as "resolvedValue",
          o.display_name as "officer", v.visited_at as "visitedAt", v.review_state as "reviewState",
          v.note as "note", ${noteNames} as "noteNames"
        from ${changes} ch
        join ${visits} v on v.id = ch.visit_id
        join ${rooms} r on r.id = v.room_id
        ${placeJoins}
        join ${users} o on o.id = v.officer_id
        left join ${persons} p on ch.entity = 'person' and p.id = ch.entity_id
        left join ${rentalTenants} t on ch.entity = 'rental_tenant' and t.id = ch.entity_id
        left join ${persons} tp on tp.id = t.person_id
        left join ${persons} ntp on ch.entity = 'rental_tenant' and ch.field = '*'
          and ntp.id = ${tenantPersonId}
        left join ${changes} ntc on ch.entity = 'rental_tenant' and ch.field = '*'
          and ntc.visit_id = ch.visit_id and ntc.entity = 'person' and ntc.field = '*'
          and ntc.entity_id = ${tenantPersonId}
        left join ${households} h on ch.entity = 'household' and h.id = ch.entity_id
        left join ${units} u on ch.entity = 'unit' and u.id = ch.entity_id
        left join ${rentals} rt on ch.entity = 'rental' and rt.id = ch.entity_id
        left join ${buildings} eb on ch.entity = 'building' and eb.id = ch.entity_id
        where v.campaign_id = ${campaign.id} and starts_with(g.path, ${area.path})
        order by c.code nulls last, g.code, b.address, r.unit_no nulls first, r.room_no,
          date_trunc('second', v.visited_at), v.id, ch.seq`),
    ),
  );
  const t = options.translate;
  // A move-in's room and household ids as places (place-words.ts), read where the rows were.
  const word = await placeWords(
    options.readDb ?? db,
    rows.map((row) => ({
      field: row.field,
      values: [row.registerValue, row.observedValue, row.resolvedValue],
    })),
  );
  return finish(
    db,
    user,
    options,
    { action: "export_changes", entity: "campaign", entityId: campaign.id, area },
    [
      changesTable(
        rows.map((row) => ({
          ...row,
          registerValue: word(row.field, row.registerValue),
          observedValue: word(row.field, row.observedValue),
          resolvedValue: word(row.field, row.resolvedValue),
          visitedAt: new Date(row.visitedAt),
          noteNames: nameList(row.noteNames),
        })),
        options.locale,
        t,
      ),
    ],
    input.format,
    { name: t("export.changes.name"), ascii: "changes" },
  );
}

// ---------------------------------------------------------------------------------------------
// Register

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Place columns of every kind that names a room: `c` community, `b` building, `r` room. */
const PLACE_SQL = {
  communityCode: sql`c.code`,
  buildingCode: sql`b.code`,
  unitNo: sql`r.unit_no`,
  roomNo: sql`r.room_no`,
};

/** Each tenant column (承租人…) is the tenant person's own field: tenantIdNumber is tp.id_number. */
const TENANT_SQL = Object.fromEntries(
  IMPORT_COLUMNS.rentals
    .filter((spec) => spec.field.startsWith("tenant"))
    .map((spec) => {
      const own = spec.field.slice("tenant".length);
      return [spec.field, sql`tp.${sql.identifier(snake(own[0].toLowerCase() + own.slice(1)))}`];
    }),
);

interface RegisterSql {
  /** The alias of the kind's own table: an import field not in `fields` is its column of that name. */
  own: string;
  /** Import fields read from elsewhere (place, household, tenant). */
  fields: Record<string, SQL>;
  /** From and joins, with `g` the grid that puts a row in scope. */
  from: SQL;
  /** Current rows only, and only rows the import can take back. */
  where: SQL;
  order: SQL;
}

/**
 * Where each kind's register is read from. A row's community code is its grid's parent, its place the
 * building and room it stands in, as the import names them.
 */
const REGISTER_SQL: Record<ImportKind, RegisterSql> = {
  persons: {
    own: "p",
    fields: { ...PLACE_SQL, householdNo: sql`h.household_no`, householdKind: sql`h.kind` },
    // Tenants without a household are not in this file: the persons import needs a 户号.
    from: sql`from ${persons} p
      join ${households} h on h.id = p.household_id
      join ${rooms} r on r.id = h.room_id
      ${placeJoins}`,
    where: sql`p.ended_at is null`,
    order: sql`c.code nulls last, g.code, b.code, r.unit_no nulls first, r.room_no, h.household_no,
      p.relation nulls last, p.id_number`,
  },
  buildings: {
    own: "b",
    fields: { communityCode: sql`c.code`, buildingCode: sql`b.code`, gridCode: sql`g.code` },
    from: sql`from ${buildings} b
      join ${areas} g on g.id = b.grid_id
      left join ${areas} c on c.id = g.parent_id`,
    where: sql`b.ended_at is null`,
    order: sql`c.code nulls last, g.code, b.code`,
  },
  rooms: {
    own: "r",
    fields: PLACE_SQL,
    from: sql`from ${rooms} r ${placeJoins}`,
    where: sql`r.ended_at is null`,
    order: sql`c.code nulls last, g.code, b.code, r.unit_no nulls first, r.room_no`,
  },
  units: {
    own: "u",
    // 校验说明 is not stored (the audit keeps it); registerTable fills it where the code needs one.
    fields: { ...PLACE_SQL, overrideReason: sql`null::text` },
    from: sql`from ${units} u
      join ${areas} g on g.id = u.grid_id
      left join ${areas} c on c.id = g.parent_id
      join ${buildings} b on b.id = u.building_id
      left join ${rooms} r on r.id = u.room_id`,
    // The import keys units by their credit code: a stall without one could not come back.
    where: sql`u.ended_at is null and u.uscc is not null`,
    order: sql`c.code nulls last, g.code, b.code, r.unit_no nulls first, r.room_no nulls first, u.uscc`,
  },
  rentals: {
    own: "rt",
    fields: { ...PLACE_SQL, ...TENANT_SQL, moveInDate: sql`t.move_in_date`, overrideReason: sql`null::text` },
    // One row per current tenant, as the import reads them; a rental without tenants is one row.
    from: sql`from ${rentals} rt
      join ${rooms} r on r.id = rt.room_id
      ${placeJoins}
      left join ${rentalTenants} t on t.rental_id = rt.id and t.ended_at is null
      left join ${persons} tp on tp.id = t.person_id`,
    where: sql`rt.ended_at is null`,
    order: sql`c.code nulls last, g.code, b.code, r.unit_no nulls first, r.room_no, rt.created_at, rt.id,
      tp.id_number nulls first`,
  },
};

export interface RegisterExportInput {
  format: ExportFormat;
  kind: ImportKind;
  areaId?: string;
}

/**
 * The current register of one import kind in an area, unmasked, in that kind's import header table,
 * so it re-imports with no changes: persons with their households and rooms, buildings, rooms, units
 * (those with a credit code), or rental rooms with one row per tenant. Administrators only.
 */
export async function exportRegister(
  db: Db,
  user: SessionUser,
  input: RegisterExportInput,
  options: ExportOptions,
): Promise<ExportFile> {
  // Refused before anything is read: the route already keeps officers out, this keeps supervisors out.
  if (user.role !== "admin") throw new AppError("FORBIDDEN", "export.register.adminOnly");
  const area = await areaInScope(db, user, input.areaId);
  const { kind } = input;
  const spec = REGISTER_SQL[kind];
  const columns = sql.join(
    IMPORT_COLUMNS[kind].map(
      ({ field }) =>
        sql`${spec.fields[field] ?? sql`${sql.identifier(spec.own)}.${sql.identifier(snake(field))}`} as ${sql.identifier(field)}`,
    ),
    sql`, `,
  );
  const own = sql.identifier(spec.own);
  const inArea = sql`${spec.where} and starts_with(g.path, ${area.path})`;
  // Counted before the first row leaves, so the audit row exists whatever becomes of the download. A
  // rental has a row per tenant: the audit says how many rentals and how many tenants.
  // The count and the pages are read from the same place, so the audit row counts what goes out.
  const reader = options.readDb ?? db;
  const [count] = rowsOf<{ rows: number; records: number; tenants: number }>(
    await reader.execute(sql`
      select count(*)::int as rows, count(distinct ${own}.id)::int as records,
        ${kind === "rentals" ? sql`count(tp.id_number)::int` : sql`0`} as tenants
      ${spec.from} where ${inArea}`),
  );
  const counts: Record<string, number> = { [kind]: count.records };
  if (kind === "rentals") counts.tenants = count.tenants;
  const t = options.translate;
  const date = chinaDay(options.now);
  await writeAudit(db, {
    userId: user.id,
    action: "export_register",
    entity: "area",
    entityId: area.id,
    areaPath: area.path,
    ip: options.ip,
    detail: {
      format: input.format,
      areaId: area.id,
      rows: { [kind]: count.rows },
      kind,
      unmasked: true,
      ...counts,
    },
  });
  const pageSize = options.registerPageBuildings ?? REGISTER_PAGE_BUILDINGS;
  const table = registerTable(kind, [], t);
  return pagedTableFile(
    {
      title: table.title,
      columns: table.columns,
      pages: async function* () {
        // A page is the rows of a run of buildings, in the file's order; each is its own statement, so no
        // connection (PGlite has one) is held while the file travels, and a record changed during a long
        // download goes out as it stood when its page was read.
        const order = rowsOf<{ id: string }>(
          await reader.execute(sql`
            select b.id from (select distinct on (b.id) b.id, c.code as c, g.code as g, b.code as b
              ${spec.from} where ${inArea} order by b.id) b
            order by b.c nulls last, b.g, b.b`),
        ).map((row) => row.id);
        for (let start = 0; start < order.length; start += pageSize) {
          const ids = order.slice(start, start + pageSize);
          const rows = rowsOf<Record<string, unknown>>(
            await reader.execute(sql`
              select ${columns} ${spec.from}
              where ${inArea} and b.id in (${sql.join(
                ids.map((id) => sql`${id}::uuid`),
                sql`, `,
              )})
              order by ${spec.order}`),
          );
          yield registerTable(kind, rows, t).rows;
        }
      },
    },
    input.format,
    t("export.fileName", { name: t(`export.sheet.${kind}`), area: area.name, date }),
    `register-${kind}-${date}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Statistics

type Counted = { gridId: string } & Record<string, number | string | null>;

/** A person's (`p`) age in whole years on a day, as the statistics reckon it (PostgreSQL's age()). */
export const personAgeOn = (day: string) => sql`extract(year from age(${day}::date, p.birth_date))`;

/**
 * The statistics' counts that depend on a person's age, by column of the persons statement: the age
 * bands (band0…) and the elderly. The roll-up moves them from one day to the next with the same
 * conditions (rollup.ts), so they are defined here once.
 */
export function ageCounts(age: SQL): { column: string; condition: SQL }[] {
  return [
    ...AGE_BANDS.map((band, i) => ({
      column: `band${i}`,
      condition: sql`${age} >= ${band.min}${band.max === null ? sql`` : sql` and ${age} <= ${band.max}`}`,
    })),
    { column: "elderly", condition: sql`${age} >= ${ELDERLY_FROM_AGE}` },
  ];
}

/**
 * The statements statistics counts per grid with, over the grids of the CTE `sg` (id) that `scope`
 * opens: active persons by age band at `today` (a day in China), 60+, special groups and migrants;
 * active households by kind and flag; active units by state and by industry; active rental rooms and
 * their active tenants. Each row carries "gridId". rollup.ts stores their rows per grid.
 */
export function statisticsStatements(scope: SQL, today: string) {
  const bandColumns = sql.join(
    ageCounts(personAgeOn(today)).map(
      ({ column, condition }) => sql`count(*) filter (where ${condition})::int as ${sql.identifier(column)}`,
    ),
    sql`, `,
  );
  return {
    persons: sql`${scope}
        select p.grid_id as "gridId", count(*)::int as "population", ${bandColumns},
          count(*) filter (where p.disability)::int as "disability",
          count(*) filter (where p.low_income)::int as "lowIncome",
          count(*) filter (where p.unemployed)::int as "unemployed",
          count(*) filter (where p.left_behind is not null)::int as "leftBehind",
          count(*) filter (where p.person_type = ${MIGRANT_PERSON_TYPE})::int as "migrants"
        from sg join ${persons} p on p.grid_id = sg.id
        where p.ended_at is null
        group by p.grid_id`,
    households: sql`${scope}
        select h.grid_id as "gridId", h.kind as "kind", count(*)::int as "n",
          count(*) filter (where h.low_income)::int as "lowIncome",
          count(*) filter (where h.five_guarantee)::int as "fiveGuarantee"
        from sg join ${households} h on h.grid_id = sg.id
        where h.ended_at is null
        group by h.grid_id, h.kind`,
    units: sql`${scope}
        select u.grid_id as "gridId", u.status as "status", count(*)::int as "n"
        from sg join ${units} u on u.grid_id = sg.id
        where u.ended_at is null
        group by u.grid_id, u.status`,
    industries: sql`${scope}
        select u.grid_id as "gridId", u.industry as "industry", count(*)::int as "n"
        from sg join ${units} u on u.grid_id = sg.id
        where u.ended_at is null
        group by u.grid_id, u.industry
        order by u.industry nulls last`,
    rentals: sql`${scope}
        select rt.grid_id as "gridId", count(*)::int as "rentals",
          coalesce(sum((select count(*) from ${rentalTenants} t
            where t.rental_id = rt.id and t.ended_at is null)), 0)::int as "tenants"
        from sg join ${rentals} rt on rt.grid_id = sg.id
        where rt.ended_at is null
        group by rt.grid_id`,
  };
}

/**
 * Statistics per grid under the area (communities are the sums of their grids), each figure counted
 * with GROUP BY in the database (statisticsStatements) and kept per grid by the roll-ups.
 */
export async function exportStatistics(
  db: Db,
  user: SessionUser,
  input: AreaExportInput,
  options: ExportOptions,
): Promise<ExportFile> {
  const area = await areaInScope(db, user, input.areaId);
  const today = chinaDay(options.now);
  // The counts are the roll-ups' (rollup.ts, recounted first for grids written since, or counted on
  // another day), read here in one statement of a few hundred grid rows however many residents.
  // Counts just written on the primary are read there: a replica may not have replayed them yet, and
  // would answer with another day's counts, or none for a grid never counted before (all zeros).
  const reader = await statisticsReader(db, today, area.path, options.readDb);
  const { grids, industries } = await readSnapshot(reader, async (tx) => {
    const gridRows = rowsOf<{
      gridId: string;
      gridCode: string;
      gridName: string;
      communityCode: string;
      communityName: string;
      persons: Counted[] | null;
      households: Counted[] | null;
      units: Counted[] | null;
      industries: { industry: string | null; n: number }[] | null;
      rentals: Counted[] | null;
    }>(
      await tx.execute(sql`
        select g.id as "gridId", g.code as "gridCode", g.name as "gridName",
          coalesce(c.code, '') as "communityCode", coalesce(c.name, '') as "communityName",
          rr.persons, rr.households, rr.units, rr.industries, rr.rentals
        from ${areas} g left join ${areas} c on c.id = g.parent_id
          left join ${rollupRegister} rr on rr.grid_id = g.id
        where g.level = 'grid' and starts_with(g.path, ${area.path})
        order by c.code nulls last, g.code`),
    );
    const rowsOfGrids = <T>(pick: (g: (typeof gridRows)[number]) => T[] | null) =>
      gridRows.flatMap((g) => (pick(g) ?? []).map((row) => ({ ...row, gridId: g.gridId })));
    const personRows = rowsOfGrids((g) => g.persons);
    const householdRows = rowsOfGrids((g) => g.households);
    const unitRows = rowsOfGrids((g) => g.units);
    const industryRows = rowsOfGrids((g) => g.industries);
    const rentalRows = rowsOfGrids((g) => g.rentals);

    const byGrid = new Map<string, StatisticsRow>(
      gridRows.map((g) => [g.gridId, { ...g, ...emptyCounts() }]),
    );
    const num = (value: unknown) => Number(value ?? 0);
    for (const row of personRows) {
      const g = byGrid.get(row.gridId);
      if (!g) continue;
      for (const key of [
        "population",
        "elderly",
        "disability",
        "lowIncome",
        "unemployed",
        "leftBehind",
        "migrants",
      ] as const) {
        g[key] = num(row[key]);
      }
      g.ageBands = AGE_BANDS.map((_, i) => num(row[`band${i}`]));
    }
    for (const row of householdRows) {
      const g = byGrid.get(row.gridId);
      if (!g) continue;
      g.households += num(row.n);
      g.householdKinds[String(row.kind)] = (g.householdKinds[String(row.kind)] ?? 0) + num(row.n);
      g.lowIncomeHouseholds += num(row.lowIncome);
      g.fiveGuaranteeHouseholds += num(row.fiveGuarantee);
    }
    for (const row of unitRows) {
      const g = byGrid.get(row.gridId);
      if (!g) continue;
      g.units += num(row.n);
      g.unitStatuses[String(row.status)] = (g.unitStatuses[String(row.status)] ?? 0) + num(row.n);
    }
    for (const row of rentalRows) {
      const g = byGrid.get(row.gridId);
      if (!g) continue;
      g.rentals = num(row.rentals);
      g.tenants = num(row.tenants);
    }
    const order = new Map(gridRows.map((g, i) => [g.gridId, i]));
    const industryList: IndustryRow[] = industryRows
      .filter((row) => byGrid.has(row.gridId))
      .sort((a, b) => (order.get(a.gridId) ?? 0) - (order.get(b.gridId) ?? 0))
      .map((row) => {
        const g = byGrid.get(row.gridId) as StatisticsRow;
        return {
          communityName: g.communityName,
          gridName: g.gridName,
          industry: row.industry,
          units: num(row.n),
        };
      });
    return { grids: [...byGrid.values()], industries: industryList };
  });
  const t = options.translate;
  const tables = statisticsTables(grids, industries, options.locale, t);
  const chosen = input.format === "csv" && input.table ? tables.filter((x) => x.key === input.table) : tables;
  return finish(
    db,
    user,
    options,
    { action: "export_statistics", entity: "area", entityId: area.id, area, detail: { today } },
    chosen,
    input.format,
    { name: t("export.statistics.name"), ascii: "statistics" },
  );
}
