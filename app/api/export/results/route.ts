import { z } from "zod";
import { exportRoute } from "@/server/http/export-route";
import { exportResults } from "@/server/services/export";

/**
 * GET /api/export/results?format=csv|xlsx&campaignId=<uuid>[&areaId=<uuid>]
 * One row per visit of the campaign under the area (the caller's by default), masked, audited; for a
 * targeted campaign one row per target with its answer (and a returned file's rejected lines).
 * Supervisors and administrators; refusals as in server/http/export-route.ts.
 */

export const dynamic = "force-dynamic";

const query = z.object({
  format: z.enum(["csv", "xlsx"]),
  campaignId: z.uuid(),
  areaId: z.uuid().optional(),
});

export const GET = exportRoute("results", ["supervisor", "admin"], query, (run) =>
  exportResults(run.db, run.user, run.query, run),
);
