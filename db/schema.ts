import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { AREA_LEVELS } from "../domain/areas";
import { ROLES } from "../domain/auth";
import { CAMPAIGN_STATUSES } from "../domain/campaign";
import { type DisputedField, FEEDBACK_KINDS } from "../domain/check";
import { DEVICE_MARKS, QUARANTINE_STATES } from "../domain/device";
import { CHANGE_STATUSES } from "../domain/push";
import type { ClaimAnswer, TargetClaim, TargetFileReport } from "../domain/target-file";
import { TARGET_KINDS, TARGET_STATES, TARGET_SUBJECTS, type TargetQuery } from "../domain/targets";
import { CHANGE_ENTITIES, REVIEW_STATES, SUBJECT_TYPES } from "../domain/visit";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

/**
 * A JSON value of any shape, strings included. Drizzle's jsonb parses what the driver already parsed,
 * so a stored "13912345678" would come back as a number; both drivers here hand back parsed JSON.
 */
const jsonValue = customType<{ data: unknown; driverData: unknown }>({
  dataType: () => "jsonb",
  toDriver: (value) => (value === null || value === undefined ? null : JSON.stringify(value)),
  fromDriver: (value) => value,
});

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** What every row a phone pulls carries: its grid, version and change stamp (see registerColumns). */
const pulledColumns = () => ({
  gridId: uuid("grid_id")
    .notNull()
    .references(() => areas.id),
  version: integer("version").notNull().default(1),
  changeXid: bigint("change_xid", { mode: "bigint" }).notNull().default(sql`0`),
});

/**
 * Columns every register row carries. `version` is bumped by the service that changes the row
 * (optimistic concurrency for field-level merge); `changeXid` is stamped by a trigger with the
 * writing transaction's id so pulls can stop below the oldest still-running writer.
 */
const registerColumns = () => ({
  ...pulledColumns(),
  source: text("source").notNull().default("import"),
  createdAt: ts("created_at").notNull().defaultNow(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
  endedAt: ts("ended_at"),
  endReason: text("end_reason"),
});

export type GeoJsonPolygon = { type: "Polygon"; coordinates: number[][][] };

/** district → street → community → grid; `path` is the chain of codes, so scope is a prefix match. */
export const areas = pgTable(
  "areas",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    parentId: uuid("parent_id"),
    level: text("level", { enum: AREA_LEVELS }).notNull(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    path: text("path").notNull(),
    boundary: jsonb("boundary").$type<GeoJsonPolygon>(),
    centerLat: doublePrecision("center_lat"),
    centerLng: doublePrecision("center_lng"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("areas_code_uq").on(t.code),
    uniqueIndex("areas_path_uq").on(t.path),
    index("areas_parent_idx").on(t.parentId),
  ],
);

export const buildings = pgTable(
  "buildings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...registerColumns(),
    code: text("code").notNull(),
    address: text("address").notNull(),
    name: text("name"),
    floors: smallint("floors"),
    use: text("use"),
    propertyType: text("property_type"),
    lat: doublePrecision("lat"),
    lng: doublePrecision("lng"),
  },
  (t) => [
    uniqueIndex("buildings_code_uq").on(t.code),
    index("buildings_grid_idx").on(t.gridId),
    index("buildings_pull_idx").on(t.gridId, t.changeXid),
  ],
);

export const rooms = pgTable(
  "rooms",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...registerColumns(),
    buildingId: uuid("building_id")
      .notNull()
      .references(() => buildings.id),
    unitNo: text("unit_no"),
    floor: smallint("floor").notNull(),
    roomNo: text("room_no").notNull(),
    use: text("use").notNull().default("1"),
    areaM2: numeric("area_m2", { precision: 8, scale: 2, mode: "number" }),
    ownerName: text("owner_name"),
  },
  (t) => [
    // A building with one entrance leaves unit_no empty; its room numbers must still be unique.
    unique("rooms_natural_uq").on(t.buildingId, t.unitNo, t.roomNo).nullsNotDistinct(),
    index("rooms_building_idx").on(t.buildingId),
    index("rooms_pull_idx").on(t.gridId, t.changeXid),
  ],
);

export const households = pgTable(
  "households",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...registerColumns(),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id),
    householdNo: text("household_no").notNull(),
    kind: text("kind").notNull().default("1"),
    lowIncome: boolean("low_income").notNull().default(false),
    fiveGuarantee: boolean("five_guarantee").notNull().default(false),
  },
  (t) => [
    uniqueIndex("households_no_uq").on(t.householdNo),
    index("households_room_idx").on(t.roomId),
    index("households_pull_idx").on(t.gridId, t.changeXid),
  ],
);

export const persons = pgTable(
  "persons",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...registerColumns(),
    householdId: uuid("household_id").references(() => households.id),
    roomId: uuid("room_id").references(() => rooms.id),
    name: text("name").notNull(),
    idType: text("id_type").notNull().default("1"),
    idNumber: text("id_number").notNull(),
    sex: text("sex").notNull(),
    birthDate: date("birth_date", { mode: "string" }).notNull(),
    ethnicity: text("ethnicity"),
    relation: text("relation"),
    marital: text("marital"),
    education: text("education"),
    politics: text("politics"),
    hukouCategory: text("hukou_category"),
    hukouAddress: text("hukou_address"),
    currentAddress: text("current_address"),
    residenceMatch: text("residence_match"),
    personType: text("person_type").notNull().default("01"),
    phone: text("phone"),
    employment: text("employment"),
    disability: boolean("disability").notNull().default(false),
    lowIncome: boolean("low_income").notNull().default(false),
    unemployed: boolean("unemployed").notNull().default(false),
    leftBehind: text("left_behind"),
    arrivalDate: date("arrival_date", { mode: "string" }),
    origin: text("origin"),
    residencePermitNo: text("residence_permit_no"),
  },
  (t) => [
    uniqueIndex("persons_id_number_uq").on(t.idType, t.idNumber),
    index("persons_household_idx").on(t.householdId),
    index("persons_room_idx").on(t.roomId),
    index("persons_pull_idx").on(t.gridId, t.changeXid),
  ],
);

export const units = pgTable(
  "units",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...registerColumns(),
    buildingId: uuid("building_id")
      .notNull()
      .references(() => buildings.id),
    roomId: uuid("room_id").references(() => rooms.id),
    name: text("name").notNull(),
    uscc: text("uscc"),
    legalRep: text("legal_rep"),
    legalRepPhone: text("legal_rep_phone"),
    industry: text("industry"),
    employees: integer("employees"),
    status: text("status").notNull().default("1"),
    kind: text("kind").notNull().default("1"),
    registeredAddress: text("registered_address"),
    actualAddress: text("actual_address"),
    phone: text("phone"),
    safetyContact: text("safety_contact"),
  },
  (t) => [
    uniqueIndex("units_uscc_uq").on(t.uscc),
    index("units_building_idx").on(t.buildingId),
    index("units_pull_idx").on(t.gridId, t.changeXid),
  ],
);

export const rentals = pgTable(
  "rentals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...registerColumns(),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id),
    landlordName: text("landlord_name").notNull(),
    landlordIdNumber: text("landlord_id_number"),
    landlordPhone: text("landlord_phone"),
    use: text("use").notNull().default("1"),
    areaM2: numeric("area_m2", { precision: 8, scale: 2, mode: "number" }),
    roomsLet: smallint("rooms_let"),
    monthlyRent: integer("monthly_rent"),
    leaseStart: date("lease_start", { mode: "string" }),
    leaseEnd: date("lease_end", { mode: "string" }),
    filingNo: text("filing_no"),
    maxOccupants: smallint("max_occupants"),
    actualOccupants: smallint("actual_occupants"),
    fireExtinguisher: boolean("fire_extinguisher"),
    escapeRoute: boolean("escape_route"),
    hazardLevel: text("hazard_level").notNull().default("0"),
    hazardNote: text("hazard_note"),
  },
  (t) => [index("rentals_room_idx").on(t.roomId), index("rentals_pull_idx").on(t.gridId, t.changeXid)],
);

/** A tenant is a person (with ID, phone, arrival date) living in a rental room for a while. */
export const rentalTenants = pgTable(
  "rental_tenants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...registerColumns(),
    rentalId: uuid("rental_id")
      .notNull()
      .references(() => rentals.id),
    personId: uuid("person_id")
      .notNull()
      .references(() => persons.id),
    moveInDate: date("move_in_date", { mode: "string" }),
  },
  (t) => [
    index("rental_tenants_rental_idx").on(t.rentalId),
    index("rental_tenants_person_idx").on(t.personId),
    index("rental_tenants_pull_idx").on(t.gridId, t.changeXid),
  ],
);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    username: text("username").notNull(),
    displayName: text("display_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    areaId: uuid("area_id")
      .notNull()
      .references(() => areas.id),
    phone: text("phone"),
    demo: boolean("demo").notNull().default(false),
    disabledAt: ts("disabled_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_username_uq").on(t.username)],
);

/** The cookie holds a random token; only its SHA-256 is stored, so a database leak opens no session. */
export const sessions = pgTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/**
 * Browsers an account has logged in from: the `doorstep_device` cookie's token (only its SHA-256 here)
 * recorded at a successful login. From such a device the account is throttled on its own key, so no
 * stranger's failures slow its owner down there (server/services/auth.ts).
 */
export const loginDevices = pgTable(
  "login_devices",
  {
    tokenHash: text("token_hash").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastLoginAt: ts("last_login_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tokenHash, t.userId] }),
    index("login_devices_last_login_idx").on(t.lastLoginAt),
  ],
);

/**
 * Attempts counted per key (login: an account, a client address, an account on one client; the resident
 * check: a client address, an ID number's hash), kept in the database so every instance sees them.
 * server/services/throttle.ts counts and admits in one statement per key.
 */
export const loginThrottle = pgTable(
  "login_throttle",
  {
    key: text("key").primaryKey(),
    /** Attempts counted in the current window (not yet proven good). */
    failures: integer("failures").notNull().default(0),
    /** The latest attempt counted. */
    lastFailureAt: ts("last_failure_at").notNull().defaultNow(),
    /** Until when the key waits: no attempt is admitted before. */
    lockedUntil: ts("locked_until"),
    /** The first attempt of the current window: the count starts again a window after it. */
    startedAt: ts("started_at").notNull().defaultNow(),
    /** When the row says nothing any more (window over, no wait left): deleted from then on. */
    expiresAt: ts("expires_at").notNull().defaultNow(),
  },
  (t) => [index("login_throttle_expires_idx").on(t.expiresAt)],
);

export const campaigns = pgTable("campaigns", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  status: text("status", { enum: CAMPAIGN_STATUSES }).notNull().default("open"),
  startsOn: date("starts_on", { mode: "string" }).notNull(),
  endsOn: date("ends_on", { mode: "string" }),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: ts("created_at").notNull().defaultNow(),
  closedAt: ts("closed_at"),
  /** Plain confirmations (verified unchanged, no correction) are approved as they arrive. */
  autoApprove: boolean("auto_approve").notNull().default(false),
  /** every_door: every room of its areas; query: the targets `targetQuery` picked (campaign_targets). */
  targetKind: text("target_kind", { enum: TARGET_KINDS }).notNull().default("every_door"),
  targetQuery: jsonb("target_query").$type<TargetQuery>(),
  /** A returned-file campaign's uploads: each file's row-level report, rejected rows included (domain/target-file.ts). */
  targetFiles: jsonb("target_files").$type<TargetFileReport[]>(),
});

/**
 * Whom a targeted campaign visits: one row a register subject (a person, household, rental or unit)
 * at its room, in its grid, made in one transaction from the campaign's query and added to by re-runs.
 * Pulled with the officer's grid like a register row (stamped by the same trigger); a withdrawn
 * target (no longer matching, never visited) goes out as a tombstone. `claim` is what a department's
 * returned file says about the subject (null for a query's targets).
 *
 * campaign_id, room_id and grid_id reference campaigns, rooms and areas, but not by FOREIGN KEY:
 * a city's creation inserts a quarter of a million targets at once, and PostgreSQL checks a foreign
 * key row by row (three checks a target, half the insert's time, issue 17). Triggers of migration
 * 0022 keep the same guarantee set-based: a statement that writes targets checks all its references
 * in one query, and a referenced row cannot be deleted (or its id changed, or its table truncated)
 * while a target holds it. change_xid defaults to the writing transaction's id, so the stamp
 * trigger has nothing to do on an insert (it still stamps anything else, and every update).
 */
export const campaignTargets = pgTable(
  "campaign_targets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id").notNull(),
    subjectKind: text("subject_kind", { enum: TARGET_SUBJECTS }).notNull(),
    subjectId: uuid("subject_id").notNull(),
    roomId: uuid("room_id").notNull(),
    claim: jsonb("claim").$type<TargetClaim>(),
    /** The returned file's row the target came from (the header is row 1), null for a query's. */
    fileRow: integer("file_row"),
    state: text("state", { enum: TARGET_STATES }).notNull().default("open"),
    createdAt: ts("created_at").notNull().defaultNow(),
    /** When it was withdrawn: the pull's tombstone mark, like a register row's end. */
    endedAt: ts("ended_at"),
    // pulledColumns, but see above: no foreign key on grid_id, and the stamp as a default.
    gridId: uuid("grid_id").notNull(),
    version: integer("version").notNull().default(1),
    changeXid: bigint("change_xid", { mode: "bigint" })
      .notNull()
      .default(sql`(pg_current_xact_id()::text::bigint)`),
  },
  (t) => [
    uniqueIndex("campaign_targets_subject_uq").on(t.campaignId, t.subjectKind, t.subjectId),
    index("campaign_targets_campaign_grid_idx").on(t.campaignId, t.gridId),
    index("campaign_targets_pull_idx").on(t.gridId, t.changeXid),
    // The targets at a door: the completion map's targets per room, and the roll-up trigger of visits.
    index("campaign_targets_room_idx").on(t.roomId, t.campaignId),
  ],
);

/**
 * A campaign's questionnaire, one row per uploaded version: the definition as read from the workbook
 * (domain/questionnaire), which the phone renders and the push checks answers against. A published
 * version is never changed, so a visit answered in it can always be read back with its own labels; a
 * draft (publishedAt null, at most one per campaign) is replaced by the next upload or discarded.
 */
export const questionnaires = pgTable(
  "questionnaires",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    definition: jsonb("definition").notNull(),
    sourceFile: text("source_file").notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    /**
     * When the version was published; null while it is a draft (uploaded, previewed, not yet usable:
     * phones never receive it and the push refuses answers in it). A row inserted without it is
     * published at once (the demo seed); an upload inserts a draft explicitly.
     */
    publishedAt: ts("published_at").defaultNow(),
    publishedBy: uuid("published_by").references(() => users.id),
  },
  (t) => [unique("questionnaires_campaign_version_key").on(t.campaignId, t.version)],
);

export const campaignAreas = pgTable(
  "campaign_areas",
  {
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    areaId: uuid("area_id")
      .notNull()
      .references(() => areas.id),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.areaId] })],
);

export const assignments = pgTable(
  "assignments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    gridId: uuid("grid_id")
      .notNull()
      .references(() => areas.id),
    officerId: uuid("officer_id")
      .notNull()
      .references(() => users.id),
    assignedAt: ts("assigned_at").notNull().defaultNow(),
    endedAt: ts("ended_at"),
  },
  (t) => [
    index("assignments_officer_idx").on(t.officerId, t.campaignId),
    index("assignments_grid_idx").on(t.gridId, t.campaignId),
  ],
);

/**
 * A target given to an officer other than its grid's (a colleague covering a sick officer's list):
 * while a row is active (endedAt null) the target is that officer's, on their phone and not on the
 * grid officer's; with no active row a target follows its grid's officer (assignments). Moving a
 * target ends its active row and, unless the receiving officer holds the grid, starts one for them,
 * so a move back to the grid's officer simply leaves it following the grid again.
 *
 * A table with start and end rather than an officer column on campaign_targets, because the push
 * needs the history, as it has for grids: a visit recorded on the old phone before the move still
 * goes in, one recorded after is refused (push.ts), and the covering officer's visits made before a
 * move back are kept the same way.
 */
export const targetAssignments = pgTable(
  "target_assignments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    targetId: uuid("target_id")
      .notNull()
      .references(() => campaignTargets.id),
    officerId: uuid("officer_id")
      .notNull()
      .references(() => users.id),
    assignedBy: uuid("assigned_by").references(() => users.id),
    assignedAt: ts("assigned_at").notNull().defaultNow(),
    endedAt: ts("ended_at"),
  },
  (t) => [
    index("target_assignments_officer_idx").on(t.officerId, t.campaignId),
    index("target_assignments_target_idx").on(t.targetId),
    // One active cover a target: a move ends the old row before it starts the new one.
    uniqueIndex("target_assignments_active_uq").on(t.targetId).where(sql`ended_at is null`),
  ],
);

export const devices = pgTable(
  "devices",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    appVersion: text("app_version"),
    userAgent: text("user_agent"),
    lastSyncAt: ts("last_sync_at"),
    unsentCount: integer("unsent_count").notNull().default(0),
    oldestUnsentAt: ts("oldest_unsent_at"),
    storagePersisted: boolean("storage_persisted"),
    storageUsage: bigint("storage_usage", { mode: "number" }),
    storageQuota: bigint("storage_quota", { mode: "number" }),
    /**
     * The secret that wraps the phone's data key (domain/vault.ts), handed to the device's own user
     * after a login, so an online login always unlocks the phone; base64url of 32 random bytes.
     */
    wrapSecret: text("wrap_secret"),
    /** Set when the secret may no longer be handed out (the device was lost or retired). */
    secretWithheldAt: ts("secret_withheld_at"),
    /**
     * Marked by a supervisor or administrator: a lost or retired phone is told at its next contact to
     * erase its register data, after handing its unsent work to the quarantine (server/services/devices.ts).
     */
    markedAs: text("marked_as", { enum: DEVICE_MARKS }),
    markedAt: ts("marked_at"),
    markedBy: uuid("marked_by").references(() => users.id),
    /** The first contact after the mark: when the phone was told to erase its register data. */
    wipeToldAt: ts("wipe_told_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("devices_user_idx").on(t.userId)],
);

/**
 * Unsent work a lost or retired phone (or a disabled officer's) handed over before erasing itself:
 * held out of the register until a supervisor accepts it into review, as if pushed, or discards it,
 * with a reason. The id is the phone's mutation id, so a replayed hand-over stores nothing twice.
 */
export const quarantinedMutations = pgTable(
  "quarantined_mutations",
  {
    id: uuid("id").primaryKey(),
    deviceId: uuid("device_id").notNull(),
    officerId: uuid("officer_id")
      .notNull()
      .references(() => users.id),
    /** The area the work is about (the visit's grid; the officer's area when it names none): scope. */
    areaPath: text("area_path").notNull(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    state: text("state", { enum: QUARANTINE_STATES }).notNull().default("held"),
    decidedBy: uuid("decided_by").references(() => users.id),
    decidedAt: ts("decided_at"),
    reason: text("reason"),
  },
  (t) => [index("quarantined_mutations_state_idx").on(t.state, t.areaPath)],
);

/**
 * Which device held which grid of a campaign, from its first pull: after an assignment ends, a late
 * visit is taken only from a device that held the grid before the end (a visit stamped earlier on any
 * other device is a backdated one).
 */
export const deviceGrids = pgTable(
  "device_grids",
  {
    deviceId: uuid("device_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    gridId: uuid("grid_id")
      .notNull()
      .references(() => areas.id),
    firstPulledAt: ts("first_pulled_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.campaignId, t.gridId] })],
);

/** One call at one room. The id is made on the phone, so a replayed push can never create a second visit. */
export const visits = pgTable(
  "visits",
  {
    id: uuid("id").primaryKey(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    gridId: uuid("grid_id")
      .notNull()
      .references(() => areas.id),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id),
    subjectType: text("subject_type", { enum: SUBJECT_TYPES }).notNull(),
    subjectId: uuid("subject_id"),
    officerId: uuid("officer_id")
      .notNull()
      .references(() => users.id),
    deviceId: uuid("device_id"),
    outcome: text("outcome").notNull(),
    attempt: smallint("attempt").notNull().default(1),
    revisitDue: date("revisit_due", { mode: "string" }),
    visitedAt: ts("visited_at").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    lat: doublePrecision("lat"),
    lng: doublePrecision("lng"),
    accuracyM: doublePrecision("accuracy_m"),
    note: text("note"),
    reviewState: text("review_state", { enum: REVIEW_STATES }).notNull().default("submitted"),
    reviewComment: text("review_comment"),
    /** A returned visit's fields the reviewer wants corrected, comma-separated register columns. */
    reviewFields: text("review_fields"),
    reviewedBy: uuid("reviewed_by").references(() => users.id),
    reviewedAt: ts("reviewed_at"),
    /** The questionnaire's answers (cleaned: only what applied), null when the campaign has none or nobody answered. */
    answers: jsonValue("answers"),
    /** The version of the campaign's questionnaire the answers were given in (its labels read them). */
    questionnaireVersion: integer("questionnaire_version"),
    /** The officer's answers to the department's claims of this door's targets (a returned-file campaign). */
    claims: jsonb("claims").$type<ClaimAnswer[]>(),
    version: integer("version").notNull().default(1),
    changeXid: bigint("change_xid", { mode: "bigint" }).notNull().default(sql`0`),
  },
  (t) => [
    index("visits_room_idx").on(t.roomId),
    index("visits_campaign_grid_idx").on(t.campaignId, t.gridId),
    index("visits_pull_idx").on(t.gridId, t.changeXid),
    index("visits_review_idx").on(t.reviewState, t.gridId),
  ],
);

/** One corrected field: the register value the officer saw beside the value they observed. */
export const changes = pgTable(
  "changes",
  {
    id: uuid("id").primaryKey(),
    visitId: uuid("visit_id")
      .notNull()
      .references(() => visits.id),
    gridId: uuid("grid_id")
      .notNull()
      .references(() => areas.id),
    // What a push may correct (CHANGE_ENTITIES); no visit corrects a building, so none is listed.
    entity: text("entity", { enum: CHANGE_ENTITIES }).notNull(),
    entityId: uuid("entity_id").notNull(),
    field: text("field").notNull(),
    registerValue: jsonValue("register_value"),
    observedValue: jsonValue("observed_value"),
    /**
     * pending: waiting for its visit's approval (the register does not hold it yet); applied: in the
     * register; unchanged: the register held the value already; conflict: the register moved away
     * from what the officer saw, waiting to be settled; resolved: settled; returned: its visit was
     * returned, so it never reaches the register.
     */
    status: text("status", { enum: CHANGE_STATUSES }).notNull().default("pending"),
    /**
     * For a conflict: what the server held when the change arrived (someone else's value). For a
     * pending change: what the register held at the push; approval applies it while it still does.
     */
    serverValue: jsonValue("server_value"),
    /**
     * For a conflict: where the value it met came from. `user`: set by `serverSetBy` (an officer's
     * correction, approved or still waiting, or someone's settlement); `register`: the register's own
     * data (an import). Null for conflicts recorded before this was kept (migration 0010).
     */
    serverFrom: text("server_from", { enum: ["user", "register"] }),
    serverSetBy: uuid("server_set_by").references(() => users.id),
    /** For a settled conflict: the value chosen, by whom and when. */
    resolvedValue: jsonValue("resolved_value"),
    resolvedBy: uuid("resolved_by").references(() => users.id),
    resolvedAt: ts("resolved_at"),
    /**
     * The device the settlement came from (a phone's, or the supervisor's browser): every other device
     * of the officer is told when their value was set aside; the one that settled it knows.
     */
    resolvedDeviceId: uuid("resolved_device_id"),
    createdAt: ts("created_at").notNull().defaultNow(),
    /**
     * The order changes arrived in, within a batch too (its rows share one time): pending
     * corrections are laid over the register, and approved, in this order.
     */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    /**
     * Stamped by a trigger with the writing transaction's id, like the register's rows: the officer's
     * phones pull their conflicts, and the settlements of them, from it (see server/services/pull.ts).
     */
    changeXid: bigint("change_xid", { mode: "bigint" }).notNull().default(sql`0`),
  },
  (t) => [
    index("changes_visit_idx").on(t.visitId),
    // What a pull reads: the conflicts and settlements of a grid since a stamp.
    index("changes_pull_idx").on(t.gridId, t.changeXid).where(sql`status in ('conflict', 'resolved')`),
    index("changes_entity_idx").on(t.entity, t.entityId),
    index("changes_conflict_idx").on(t.gridId).where(sql`status = 'conflict'`),
    // What a push lays over the register rows it reads, and what an approval applies.
    index("changes_pending_idx").on(t.entityId).where(sql`status = 'pending'`),
  ],
);

/** Photos are stored by content hash, so uploading the same photo twice stores it once. */
export const attachments = pgTable(
  "attachments",
  {
    sha256: text("sha256").primaryKey(),
    mime: text("mime").notNull(),
    bytes: integer("bytes").notNull(),
    data: bytea("data").notNull(),
    uploadedBy: uuid("uploaded_by")
      .notNull()
      .references(() => users.id),
    gridId: uuid("grid_id")
      .notNull()
      .references(() => areas.id),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("attachments_grid_idx").on(t.gridId)],
);

export const visitAttachments = pgTable(
  "visit_attachments",
  {
    visitId: uuid("visit_id")
      .notNull()
      .references(() => visits.id),
    sha256: text("sha256")
      .notNull()
      .references(() => attachments.sha256),
    kind: text("kind").notNull().default("doorplate"),
  },
  (t) => [primaryKey({ columns: [t.visitId, t.sha256] })],
);

/** Written in the same transaction as the change it records: a replayed mutation returns `result`. */
export const mutationLedger = pgTable(
  "mutation_ledger",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    deviceId: uuid("device_id").notNull(),
    kind: text("kind").notNull(),
    payloadHash: text("payload_hash").notNull(),
    result: jsonb("result").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("mutation_ledger_device_idx").on(t.deviceId)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: ts("at").notNull().defaultNow(),
    userId: uuid("user_id"),
    action: text("action").notNull(),
    entity: text("entity"),
    entityId: text("entity_id"),
    areaPath: text("area_path"),
    ip: text("ip"),
    detail: jsonb("detail"),
  },
  (t) => [index("audit_log_at_idx").on(t.at), index("audit_log_user_idx").on(t.userId, t.at)],
);

/**
 * Settings an administrator of the whole jurisdiction changes while the app runs (the environment's
 * figures are their defaults), one row per key; every change is audited (server/services/settings.ts).
 */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => users.id),
});

/**
 * A household's self-check code for one campaign: printed on the visit slip, typed by the resident on
 * /check with a member's name and ID number. Valid while the campaign is open.
 */
export const householdCodes = pgTable(
  "household_codes",
  {
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    householdId: uuid("household_id")
      .notNull()
      .references(() => households.id),
    code: text("code").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    // Pulled with the officer's grid (the visit slip is printed offline): an id, grid and stamp like
    // any pulled row.
    id: uuid("id").notNull().defaultRandom(),
    ...pulledColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.householdId] }),
    uniqueIndex("household_codes_code_uq").on(t.code),
    uniqueIndex("household_codes_id_uq").on(t.id),
    index("household_codes_pull_idx").on(t.gridId, t.changeXid),
  ],
);

/** What a resident said about their household on /check: a confirmation, or a dispute of some fields. */
export const residentFeedback = pgTable(
  "resident_feedback",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    householdId: uuid("household_id")
      .notNull()
      .references(() => households.id),
    kind: text("kind", { enum: FEEDBACK_KINDS }).notNull(),
    /** For a dispute: [{ personId (null for the household), field, comment }]. */
    fields: jsonb("fields").$type<DisputedField[]>(),
    comment: text("comment"),
    phone: text("phone"),
    createdAt: ts("created_at").notNull().defaultNow(),
    /** A dispute is handled when a supervisor marks it so, with what was done. */
    handledAt: ts("handled_at"),
    handledBy: uuid("handled_by").references(() => users.id),
    handledNote: text("handled_note"),
    // Pulled with the officer's grid, so a dispute reaches the revisit list and leaves it when handled.
    ...pulledColumns(),
  },
  (t) => [
    index("resident_feedback_household_idx").on(t.householdId, t.createdAt),
    index("resident_feedback_open_idx").on(t.gridId).where(sql`handled_at is null`),
    index("resident_feedback_pull_idx").on(t.gridId, t.changeXid),
  ],
);

// ---------------------------------------------------------------------------------------------
// Roll-ups (server/services/rollup.ts): per-grid counts the city-wide views sum instead of rescanning
// visits. Kept current lazily: statement-level triggers on the tables the counts read append the grids
// they touch to rollup_dirty (append-only, so officers of one grid never wait on a hot row), and a
// read recounts those grids first.

/** A grid whose roll-ups are stale. Append-only: no key, one row per writing statement and grid. */
export const rollupDirty = pgTable(
  "rollup_dirty",
  {
    gridId: uuid("grid_id").notNull(),
  },
  (t) => [index("rollup_dirty_grid_idx").on(t.gridId)],
);

/** The completion map's counts (domain/completion.ts CompletionCounts), a grid's or an area's. */
const completionCountColumns = () => ({
  rooms: integer("rooms").notNull(),
  visited: integer("visited").notNull(),
  checked: integer("checked").notNull(),
  approved: integer("approved").notNull(),
  returned: integer("returned").notNull(),
  revisit: integer("revisit").notNull(),
  conflicts: integer("conflicts").notNull(),
});

/**
 * The completion map's counts (domain/completion.ts CompletionCounts) of one grid: campaign '' counts
 * every campaign's visits; a campaign's own row exists only where they differ from "its rooms, nothing
 * else" (the answer for a campaign with no visit or dispute in the grid).
 */
export const rollupCompletion = pgTable(
  "rollup_completion",
  {
    gridId: uuid("grid_id").notNull(),
    campaignKey: text("campaign_key").notNull(),
    ...completionCountColumns(),
  },
  (t) => [primaryKey({ columns: [t.gridId, t.campaignKey] })],
);

/**
 * rollup_completion summed over the grids under each area above a grid, per campaign key: an area's row
 * of a key sums its grids' rows of that key (a grid without one adds nothing), so a district's or a
 * city's map reads its child areas' rows, not every grid under them. Kept by the refresh that recounts
 * the grids (rollup.ts recount), by each grid's change. An area without a row of a key has nothing of it.
 */
export const rollupAreaCompletion = pgTable(
  "rollup_area_completion",
  {
    areaId: uuid("area_id").notNull(),
    campaignKey: text("campaign_key").notNull(),
    ...completionCountColumns(),
  },
  (t) => [primaryKey({ columns: [t.areaId, t.campaignKey] })],
);

/**
 * Progress measures (domain/progress.ts ProgressMeasures counts) of one grid in one campaign; campaign
 * '' holds the grid's active rooms (assigned) alone, the answer for a campaign with no row.
 */
export const rollupProgress = pgTable(
  "rollup_progress",
  {
    gridId: uuid("grid_id").notNull(),
    campaignKey: text("campaign_key").notNull(),
    assigned: integer("assigned").notNull(),
    visited: integer("visited").notNull(),
    checked: integer("checked").notNull(),
    approved: integer("approved").notNull(),
    returned: integer("returned").notNull(),
    revisitDue: integer("revisit_due").notNull(),
    toEscalate: integer("to_escalate").notNull(),
  },
  (t) => [primaryKey({ columns: [t.gridId, t.campaignKey] })],
);

/** Progress by China day of one grid in one campaign: visits, and rooms first visited that day. */
export const rollupDays = pgTable(
  "rollup_days",
  {
    gridId: uuid("grid_id").notNull(),
    campaignId: uuid("campaign_id").notNull(),
    day: date("day").notNull(),
    visits: integer("visits").notNull(),
    firstVisits: integer("first_visits").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.gridId, t.campaignId, t.day] }),
    index("rollup_days_campaign_idx").on(t.campaignId, t.gridId),
  ],
);

/**
 * The register statistics of one grid (export.ts statisticsStatements), each statement's rows of the grid
 * as a JSON array, counted on `as_of` (persons' ages change with the day: a row of another day is
 * recounted before it is read).
 */
export const rollupRegister = pgTable("rollup_register", {
  gridId: uuid("grid_id").primaryKey(),
  asOf: date("as_of").notNull(),
  persons: jsonb("persons").notNull(),
  households: jsonb("households").notNull(),
  units: jsonb("units").notNull(),
  industries: jsonb("industries").notNull(),
  rentals: jsonb("rentals").notNull(),
});

/**
 * The register's area view figures of every area, grid or above: its grids' active households and
 * active persons (rollup_register's households summed over their kinds, and persons' population),
 * summed, so a view lists its child areas' without reading every grid under them. Kept by the same
 * refresh that recounts the grids' register statistics (rollup.ts recountRegister), for the grids and
 * each area above them.
 */
export const rollupAreaRegister = pgTable("rollup_area_register", {
  areaId: uuid("area_id").primaryKey(),
  households: integer("households").notNull(),
  persons: integer("persons").notNull(),
});
