import "client-only";
import type { PullResponse } from "@/domain/pull";
import { applyPullPage, type FieldDatabase, readMeta } from "./store";

export type PullPage = (input: { cursor: string | null; campaignId?: string }) => Promise<PullResponse>;

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
  for (;;) {
    const cursor = (await readMeta<string>(db, "cursor")) ?? null;
    const page = await pull({ cursor, campaignId: campaignId ?? undefined });
    // Named measures let `npm run bench:field` read the real code path's timings from Chromium.
    const started = performance.now();
    rows += await applyPullPage(db, page);
    performance.measure("doorstep:idb-write", { start: started, end: performance.now() });
    onProgress?.(rows);
    if (!page.hasMore) return rows;
  }
}
