import { z } from "zod";
import { exportRoute } from "@/server/http/export-route";
import { exportChanges } from "@/server/services/export";

/**
 * GET /api/export/changes?format=csv|xlsx&campaignId=<uuid>[&areaId=<uuid>]
 * Every changed field of the campaign's visits under the area: register and observed value, officer,
 * time, merge result, review state; names, ID numbers and phones masked; audited.
 * Supervisors and administrators; refusals as in server/http/export-route.ts.
 */

export const dynamic = "force-dynamic";

const query = z.object({
  format: z.enum(["csv", "xlsx"]),
  campaignId: z.uuid(),
  areaId: z.uuid().optional(),
});

export const GET = exportRoute("changes", ["supervisor", "admin"], query, (run) =>
  exportChanges(run.db, run.user, run.query, run),
);
