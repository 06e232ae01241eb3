import { z } from "zod";
import { exportRoute } from "@/server/http/export-route";
import { exportProgress } from "@/server/services/progress";

/**
 * GET /api/export/progress?format=csv|xlsx&campaignId=<uuid>&areaId=<uuid>[&table=grids|officers|days]
 * The supervisor's progress report as a file: the same service and numbers as the progress screen,
 * headers in the caller's language (the locale cookie), cut to the caller's area. CSV is UTF-8 with a
 * byte-order mark and holds the three tables (or the one named by `table`); XLSX has one sheet each.
 * Every export is written to the audit log. Refusals: see server/http/export-route.ts.
 */

export const dynamic = "force-dynamic";

const query = z.object({
  format: z.enum(["csv", "xlsx"]),
  campaignId: z.uuid().optional(),
  areaId: z.uuid().optional(),
  table: z.enum(["grids", "officers", "days"]).optional(),
});

export const GET = exportRoute("progress", ["supervisor", "admin"], query, (run) =>
  exportProgress(run.db, run.user, run.query, {
    now: run.now,
    ip: run.ip,
    translate: run.translate,
    readDb: run.readDb,
  }),
);
