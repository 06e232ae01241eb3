import "client-only";
import { PULL_TABLES, type PulledConflict, type PullResponse, REGISTER_PULL_TABLES } from "@/domain/pull";
import { BUNDLED_STORES, bundleRange } from "@/domain/vault";
import { decodePullRows, type PullTables } from "@/domain/wire";
import { notifyOutboxChanged } from "./pending";
import {
  abandon,
  CAMPAIGNS_META,
  type ConflictRow,
  deviceIdOf,
  type FieldDatabase,
  type FieldWriteTransaction,
  type HeldQuestionnaire,
  laneMeta,
  OLDER_QUESTIONNAIRES_META,
  QUESTIONNAIRE_META,
  REGISTER_STORES,
  type Row,
  readMeta,
  writeTransaction,
} from "./store";

/**
 * The phone's pull, the second half of a sync (after the push, in push.ts) and the first download of
 * a grid: pages of the officer's grids, each written to the store with its cursor.
 */

export type PullPage = (input: {
  cursor: string | null;
  campaignId?: string;
  campaignOnly?: boolean;
  registerCampaignId?: string;
  deviceId?: string;
}) => Promise<PullResponse>;

/**
 * Pulls until the server has nothing more, each page committed with its cursor, so an interrupted
 * download resumes where it stopped. Returns the number of rows written. `registerWith`: the
 * campaign whose pull brings the phone its register; this one's pull then leaves out the register
 * of the grids held there (see pullCampaigns), kept under this campaign's own cursor.
 */
export async function pullAll(
  db: FieldDatabase,
  pull: PullPage,
  campaignId: string | null,
  onProgress?: (rows: number) => void,
  { registerWith = null }: { registerWith?: string | null } = {},
): Promise<number> {
  let rows = 0;
  const lane = registerWith && campaignId && registerWith !== campaignId ? campaignId : null;
  // The server notes which device holds the grid: after a reassignment, late visits count only from it.
  const deviceId = await deviceIdOf(db);
  for (;;) {
    const cursor = (await readMeta<string>(db, lane ? laneMeta("cursor", lane) : "cursor")) ?? null;
    const page = await pull({
      cursor,
      campaignId: campaignId ?? undefined,
      ...(lane && registerWith ? { campaignOnly: true, registerCampaignId: registerWith } : {}),
      deviceId,
    });
    // Named measures let `npm run bench:field` read the real code path's timings from Chromium.
    const started = performance.now();
    rows += await applyPullPage(db, page, lane);
    performance.measure("doorstep:idb-write", { start: started, end: performance.now() });
    onProgress?.(rows);
    if (!page.hasMore) return rows;
  }
}

/**
 * Writes one pulled page and its cursor in a single strict transaction: after a crash or a lost
 * signal the phone holds either the whole page and the cursor after it, or neither.
 */
export async function applyPullPage(
  db: FieldDatabase,
  page: PullResponse,
  /** The campaign of a `campaignOnly` page: it touches that campaign's rows and keys alone. */
  lane: string | null = null,
): Promise<number> {
  // Before anything is touched: a page of a format this app cannot read is refused whole, in words.
  const tables = decodePullRows(page.format, page.rows);
  const tx = writeTransaction(db, [
    "meta",
    ...REGISTER_STORES,
    "bundles",
    "conflicts",
    "notices",
    "outbox",
    "drafts",
  ]);
  let written: number;
  try {
    written = lane ? await writeLanePage(tx, page, tables, lane) : await writePage(tx, page, tables);
    await tx.done;
  } catch (error) {
    abandon(tx);
    throw error;
  }
  // The officer's list of what to act on may have changed: its readers look again.
  if (page.conflicts?.length || page.dropGridIds.length > 0) notifyOutboxChanged();
  return written;
}

/**
 * The officer's conflicts the page carries (see `PulledConflict`): an open one joins the list, unless
 * this phone has settled it already and the settlement waits in the outbox; a settled one leaves it,
 * and becomes a notice when it set aside a value recorded on this phone.
 */
async function writeConflicts(tx: FieldWriteTransaction, conflicts: readonly PulledConflict[]) {
  if (conflicts.length === 0) return;
  const settling = new Set(
    (await tx.objectStore("outbox").getAll()).flatMap((entry) =>
      entry.kind === "resolve" ? [entry.payload.changeId] : [],
    ),
  );
  const receivedAt = new Date().toISOString();
  for (const { state, settledValue, settledBy, notice, ...conflict } of conflicts) {
    const held = await tx.objectStore("conflicts").get(conflict.changeId);
    const row: ConflictRow = { ...conflict, receivedAt: held?.receivedAt ?? receivedAt };
    if (state === "open") {
      if (!settling.has(conflict.changeId)) await tx.objectStore("conflicts").put(row);
      continue;
    }
    await tx.objectStore("conflicts").delete(conflict.changeId);
    if (notice) await tx.objectStore("notices").put({ ...row, settledValue, settledBy: settledBy ?? null });
  }
}

/** Conflicts and notices of grids no longer assigned: settling them would be refused. */
async function dropConflictsOf(tx: FieldWriteTransaction, gridIds: readonly string[]) {
  if (gridIds.length === 0) return;
  const dropped = new Set(gridIds);
  for (const name of ["conflicts", "notices"] as const) {
    for (const row of await tx.objectStore(name).getAll()) {
      // Rows kept before conflicts carried their grid: their room says.
      const gridId = row.gridId ?? (await tx.objectStore("rooms").get(row.roomId))?.gridId;
      if (gridId && dropped.has(gridId)) await tx.objectStore(name).delete(row.changeId);
    }
  }
}

/** The cursors of the campaigns pulled on their own, but `keep`'s: their next pulls start from zero. */
async function forgetLaneCursors(tx: FieldWriteTransaction, keep: string | null) {
  const listed = ((await tx.objectStore("meta").get(CAMPAIGNS_META)) as { id: string }[] | undefined) ?? [];
  for (const { id } of listed) if (id !== keep) await tx.objectStore("meta").delete(laneMeta("cursor", id));
}

/** Every row of a grid no longer held, its register and its campaigns' rows; unsent work stays. */
async function eraseGrid(tx: FieldWriteTransaction, gridId: string) {
  for (const name of REGISTER_STORES) {
    if (name === "grids") continue;
    const index = tx.objectStore(name).index("gridId");
    for (let cursor = await index.openCursor(gridId); cursor; cursor = await cursor.continue()) {
      // A half-filled form of the grid's rooms holds its register values too, and can no longer be
      // saved (its room is gone): erased with them. Saved visits wait in the outbox, untouched.
      if (name === "rooms") await tx.objectStore("drafts").delete(cursor.primaryKey);
      await cursor.delete();
    }
    // The grid's rows sealed together go with them (sealed.ts bundles rows of one grid only).
    if (BUNDLED_STORES.includes(name))
      await tx.objectStore("bundles").delete(IDBKeyRange.bound(...bundleRange(name, gridId)));
  }
  await tx.objectStore("grids").delete(gridId);
}

/** A page's grids, rows and conflicts into the store; answers how many rows. */
async function writeRows(tx: FieldWriteTransaction, page: PullResponse, tables: PullTables): Promise<number> {
  for (const grid of page.grids ?? []) await tx.objectStore("grids").put({ ...grid });
  let written = 0;
  // Every request is issued before any is awaited: waiting on each put in turn made the browser
  // answer thousands of them one by one. A failure still rejects, and the caller aborts the whole.
  const requests: Promise<unknown>[] = [];
  try {
    for (const name of PULL_TABLES) {
      const store = tx.objectStore(name);
      for (const row of (tables[name] ?? []) as Row[]) {
        // A tombstone: the register ended this row (moved out, deceased, closed…); the phone drops it.
        requests.push(row.endedAt ? store.delete(row.id) : store.put(row));
        written += 1;
      }
    }
  } catch (error) {
    // A request refused as it was made (a bad key): the caller aborts, failing those already made.
    for (const request of requests) request.catch(() => {});
    throw error;
  }
  await Promise.all(requests);
  await writeConflicts(tx, page.conflicts ?? []);
  return written;
}

async function writePage(tx: FieldWriteTransaction, page: PullResponse, tables: PullTables): Promise<number> {
  await dropConflictsOf(tx, page.dropGridIds);
  for (const gridId of page.dropGridIds) await eraseGrid(tx, gridId);
  // The other campaigns' rows of those grids went too (and a grid one of them holds whole may have
  // had its register from here): each of their pulls starts again from zero. Drops are rare.
  if (page.dropGridIds.length > 0) await forgetLaneCursors(tx, null);
  const written = await writeRows(tx, page, tables);
  await tx.objectStore("meta").put(page.cursor, "cursor");
  await tx.objectStore("meta").put(new Date().toISOString(), "pulledAt");
  // Visits recorded from now on belong to the campaign the grid was downloaded for.
  if (page.campaignId) {
    // The targets of a campaign no longer held are no list of anyone's: dropped when the campaign the
    // register comes with changes. Those of the other campaigns held stay (their own pulls keep them).
    if ((await tx.objectStore("meta").get("campaignId")) !== page.campaignId) {
      const listed =
        ((await tx.objectStore("meta").get(CAMPAIGNS_META)) as { id: string }[] | undefined) ?? [];
      const kept = new Set([page.campaignId, ...listed.map((campaign) => campaign.id)]);
      const targets = tx.objectStore("campaignTargets");
      for (let cursor = await targets.openCursor(); cursor; cursor = await cursor.continue()) {
        if (!kept.has(String(cursor.value.campaignId))) await cursor.delete();
      }
      // Visits pulled before they carried their campaign were the old campaign's: not this one's.
      const visits = tx.objectStore("visits");
      for (let cursor = await visits.openCursor(); cursor; cursor = await cursor.continue()) {
        if (!cursor.value.pending && !kept.has(String(cursor.value.campaignId ?? ""))) await cursor.delete();
      }
    }
    await tx.objectStore("meta").put(page.campaignId, "campaignId");
    // Whether the work list shows the targets only (absent from older servers: every door).
    await tx.objectStore("meta").put(page.targeted === true, "targeted");
  }
  // The campaign's questionnaire, sent only when it changed: kept with the cursor that says so.
  if (page.questionnaire !== undefined) {
    const next: HeldQuestionnaire | null =
      page.questionnaire && page.campaignId ? { campaignId: page.campaignId, ...page.questionnaire } : null;
    await holdQuestionnaire(tx, next);
  } else {
    await holdQuestionnaire(tx, undefined);
  }
  return written;
}

const sameVersion = (a: HeldQuestionnaire, b: HeldQuestionnaire) =>
  a.campaignId === b.campaignId && a.version === b.version;

/**
 * The questionnaire in force becomes `next` (undefined: unchanged); the version it replaces joins the
 * older ones, and an older one stays only while a draft begun in it (RoomDraft.questionnaireVersion,
 * with typed answers) or an unsent visit answered in it (refused ones too: the officer may send them
 * again) needs it. A draft saved before drafts recorded their version was begun in the one replaced.
 * `key` holds one campaign's questionnaire (the register's campaign's, or another's: laneMeta).
 */
async function holdQuestionnaire(
  tx: FieldWriteTransaction,
  next: HeldQuestionnaire | null | undefined,
  key = QUESTIONNAIRE_META,
) {
  const meta = tx.objectStore("meta");
  const current = (await meta.get(key)) as HeldQuestionnaire | undefined;
  const older = ((await meta.get(OLDER_QUESTIONNAIRES_META)) as HeldQuestionnaire[] | undefined) ?? [];
  if (next === undefined && older.length === 0) return;
  const inForce = next === undefined ? current : next;
  const kept = [...older];
  if (current && (!inForce || !sameVersion(current, inForce)) && !kept.some((q) => sameVersion(q, current)))
    kept.push(current);
  const needed = new Set<string>();
  for (const row of await tx.objectStore("drafts").getAll()) {
    const draft = row.values as { answers?: unknown; answersEdited?: boolean; questionnaireVersion?: number };
    if (!draft?.answers || draft.answersEdited !== true) continue;
    const version = draft.questionnaireVersion ?? current?.version;
    if (version !== undefined && current) needed.add(`${current.campaignId}|${version}`);
  }
  for (const entry of await tx.objectStore("outbox").getAll()) {
    if (entry.kind !== "visit") continue;
    const { campaignId, questionnaireVersion } = entry.payload.visit as {
      campaignId?: string | null;
      questionnaireVersion?: number | null;
    };
    if (campaignId && questionnaireVersion) needed.add(`${campaignId}|${questionnaireVersion}`);
  }
  // Only this key's campaign's older versions are let go here: another campaign held on the phone
  // keeps its own by its own pull (the drafts say their version, not their campaign).
  const own = (next ?? current)?.campaignId;
  const still = kept.filter(
    (q) =>
      q.campaignId !== own ||
      (needed.has(`${q.campaignId}|${q.version}`) && !(inForce && sameVersion(q, inForce))),
  );
  if (next !== undefined) {
    if (next) await meta.put(next, key);
    else await meta.delete(key);
  }
  if (still.length > 0) await meta.put(still, OLDER_QUESTIONNAIRES_META);
  else await meta.delete(OLDER_QUESTIONNAIRES_META);
}

/** The tables of one campaign's own rows: each row carries its campaign. */
const CAMPAIGN_STORES = PULL_TABLES.filter((name) => !REGISTER_PULL_TABLES.has(name));

/**
 * A `campaignOnly` page of `campaignId`: its rows, the register rows of grids the register's campaign
 * does not hold, its conflicts and its own cursor, questionnaire and targeted flag. A grid it no longer
 * holds loses that campaign's rows, and its register only when it came this way and no other campaign
 * held keeps it (`dropRegisterGridIds`): the rest belongs to the pull of the register. Unsent visits
 * wait in the outbox.
 */
async function writeLanePage(
  tx: FieldWriteTransaction,
  page: PullResponse,
  tables: PullTables,
  campaignId: string,
): Promise<number> {
  if (page.dropGridIds.length > 0) {
    const dropped = new Set(page.dropGridIds);
    for (const name of CAMPAIGN_STORES) {
      const store = tx.objectStore(name);
      for (let cursor = await store.openCursor(); cursor; cursor = await cursor.continue()) {
        const row = cursor.value;
        if (dropped.has(String(row.gridId)) && row.campaignId === campaignId && !row.pending)
          await cursor.delete();
      }
    }
    for (const conflict of await tx.objectStore("conflicts").getAll()) {
      const visit = await tx.objectStore("visits").get(conflict.visitId);
      if (conflict.gridId && dropped.has(conflict.gridId) && visit?.campaignId === campaignId)
        await tx.objectStore("conflicts").delete(conflict.changeId);
    }
  }
  const erased = page.dropRegisterGridIds ?? [];
  for (const gridId of erased) await eraseGrid(tx, gridId);
  // Another campaign held here may hold the grid too, its rows just erased with it: its next pull
  // starts again from zero (rare: a grid held in two campaigns but not the register's).
  if (erased.length > 0) await forgetLaneCursors(tx, campaignId);
  const written = await writeRows(tx, page, tables);
  const meta = tx.objectStore("meta");
  await meta.put(page.cursor, laneMeta("cursor", campaignId));
  await meta.put(page.targeted === true, laneMeta("targeted", campaignId));
  // Unchanged too: an older version of this campaign no draft needs any more is let go.
  const next: HeldQuestionnaire | null | undefined =
    page.questionnaire === undefined
      ? undefined
      : page.questionnaire && { campaignId, ...page.questionnaire };
  await holdQuestionnaire(tx, next, laneMeta("questionnaire", campaignId));
  return written;
}

/**
 * Every open campaign the officer holds (`campaigns`, as `sync.campaigns` lists them): the register
 * and one campaign's rows in one pull, then each other campaign's own rows alone (`campaignOnly`), each
 * under its own cursor, so a switch on the phone needs no signal and a sync keeps them all current.
 * The register comes with the campaign it came with before while that one is held (another would
 * download it again), else with `preferred`, else the first. A campaign no longer held leaves its
 * rows, but never a visit not yet sent. Returns the rows written.
 */
export async function pullCampaigns(
  db: FieldDatabase,
  pull: PullPage,
  campaigns: readonly { id: string; name: string }[],
  preferred?: string | null,
  onProgress?: (rows: number) => void,
): Promise<number> {
  if (campaigns.length === 0) return pullAll(db, pull, null, onProgress);
  const held = new Set(campaigns.map((campaign) => campaign.id));
  const before = ((await readMeta<{ id: string }[]>(db, CAMPAIGNS_META)) ?? []).map((c) => c.id);
  const registerWith = (await readMeta<string>(db, "campaignId")) ?? null;
  const primary = [registerWith, preferred, campaigns[0].id].find((id) => id && held.has(id)) as string;
  await forgetCampaigns(
    db,
    before.filter((id) => !held.has(id)),
    campaigns.map(({ id, name }) => ({ id, name })),
  );
  let rows = await pullAll(db, pull, primary, onProgress);
  for (const { id } of campaigns) {
    if (id === primary) continue;
    const base = rows;
    rows += await pullAll(db, pull, id, (n) => onProgress?.(base + n), { registerWith: primary });
  }
  return rows;
}

/** The campaigns no longer held leave the phone (their rows and keys, not unsent visits); the list is `held`. */
async function forgetCampaigns(
  db: FieldDatabase,
  gone: readonly string[],
  held: readonly { id: string; name: string }[],
) {
  const tx = writeTransaction(db, ["meta", ...CAMPAIGN_STORES, "conflicts"]);
  try {
    if (gone.length > 0) {
      const dropped = new Set(gone);
      for (const name of CAMPAIGN_STORES) {
        const store = tx.objectStore(name);
        for (let cursor = await store.openCursor(); cursor; cursor = await cursor.continue()) {
          if (dropped.has(String(cursor.value.campaignId)) && !cursor.value.pending) await cursor.delete();
        }
      }
      for (const id of gone)
        for (const kind of ["cursor", "questionnaire", "targeted"] as const)
          await tx.objectStore("meta").delete(laneMeta(kind, id));
    }
    await tx.objectStore("meta").put(held, CAMPAIGNS_META);
    await tx.done;
  } catch (error) {
    abandon(tx);
    throw error;
  }
}
