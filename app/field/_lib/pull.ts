import "client-only";
import { PULL_TABLES, type PulledConflict, type PullResponse } from "@/domain/pull";
import { BUNDLED_STORES, bundleRange } from "@/domain/vault";
import { decodePullRows, type PullTables } from "@/domain/wire";
import { notifyOutboxChanged } from "./pending";
import {
  abandon,
  type ConflictRow,
  deviceIdOf,
  type FieldDatabase,
  type FieldWriteTransaction,
  type HeldQuestionnaire,
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
  deviceId?: string;
}) => Promise<PullResponse>;

/**
 * Pulls until the server has nothing more, each page committed with its cursor, so an interrupted
 * download resumes where it stopped. Returns the number of rows written.
 */
export async function pullAll(
  db: FieldDatabase,
  pull: PullPage,
  campaignId: string | null,
  onProgress?: (rows: number) => void,
): Promise<number> {
  let rows = 0;
  // The server notes which device holds the grid: after a reassignment, late visits count only from it.
  const deviceId = await deviceIdOf(db);
  for (;;) {
    const cursor = (await readMeta<string>(db, "cursor")) ?? null;
    const page = await pull({ cursor, campaignId: campaignId ?? undefined, deviceId });
    // Named measures let `npm run bench:field` read the real code path's timings from Chromium.
    const started = performance.now();
    rows += await applyPullPage(db, page);
    performance.measure("doorstep:idb-write", { start: started, end: performance.now() });
    onProgress?.(rows);
    if (!page.hasMore) return rows;
  }
}

/**
 * Writes one pulled page and its cursor in a single strict transaction: after a crash or a lost
 * signal the phone holds either the whole page and the cursor after it, or neither.
 */
export async function applyPullPage(db: FieldDatabase, page: PullResponse): Promise<number> {
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
    written = await writePage(tx, page, tables);
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

async function writePage(tx: FieldWriteTransaction, page: PullResponse, tables: PullTables): Promise<number> {
  let written = 0;
  await dropConflictsOf(tx, page.dropGridIds);
  for (const gridId of page.dropGridIds) {
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
  for (const grid of page.grids ?? []) {
    await tx.objectStore("grids").put({ ...grid });
  }
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
  await tx.objectStore("meta").put(page.cursor, "cursor");
  await tx.objectStore("meta").put(new Date().toISOString(), "pulledAt");
  // Visits recorded from now on belong to the campaign the grid was downloaded for.
  if (page.campaignId) {
    // Another campaign's targets are no list of this one's: dropped when the campaign changes.
    if ((await tx.objectStore("meta").get("campaignId")) !== page.campaignId) {
      const targets = tx.objectStore("campaignTargets");
      for (let cursor = await targets.openCursor(); cursor; cursor = await cursor.continue()) {
        if (cursor.value.campaignId !== page.campaignId) await cursor.delete();
      }
    }
    await tx.objectStore("meta").put(page.campaignId, "campaignId");
    // Whether the work list shows the targets only (absent from older servers: every door).
    await tx.objectStore("meta").put(page.targeted === true, "targeted");
  }
  // The officer's other campaigns with targets in these rooms (ids and names only), for the door.
  if (page.otherCampaigns !== undefined)
    await tx.objectStore("meta").put(page.otherCampaigns, "otherCampaigns");
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
 */
async function holdQuestionnaire(tx: FieldWriteTransaction, next: HeldQuestionnaire | null | undefined) {
  const meta = tx.objectStore("meta");
  const current = (await meta.get(QUESTIONNAIRE_META)) as HeldQuestionnaire | undefined;
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
  const still = kept.filter(
    (q) => needed.has(`${q.campaignId}|${q.version}`) && !(inForce && sameVersion(q, inForce)),
  );
  if (next !== undefined) {
    if (next) await meta.put(next, QUESTIONNAIRE_META);
    else await meta.delete(QUESTIONNAIRE_META);
  }
  if (still.length > 0) await meta.put(still, OLDER_QUESTIONNAIRES_META);
  else await meta.delete(OLDER_QUESTIONNAIRES_META);
}
