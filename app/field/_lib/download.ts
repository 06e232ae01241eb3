import "client-only";
import type { PullResponse } from "@/domain/sync";
import { applyPullPage, type FieldDatabase, readMeta } from "./store";
import { deviceIdOf } from "./sync";

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
