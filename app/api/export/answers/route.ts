import { z } from "zod";
import { exportRoute } from "@/server/http/export-route";
import { exportAnswers } from "@/server/services/export";

/**
 * GET /api/export/answers?format=csv|xlsx&campaign=<uuid>[&areaId=<uuid>]
 * The campaign's questionnaire answers under the area (the caller's by default): a row per visit, the
 * repeats and the statistics (XLSX only), masked, audited. Supervisors and administrators; a campaign
 * without a questionnaire answers 404; other refusals as in server/http/export-route.ts.
 */

export const dynamic = "force-dynamic";

const query = z.object({
  format: z.enum(["csv", "xlsx"]),
  campaign: z.uuid(),
  areaId: z.uuid().optional(),
});

export const GET = exportRoute("answers", ["supervisor", "admin"], query, (run) =>
  exportAnswers(
    run.db,
    run.user,
    { format: run.query.format, campaignId: run.query.campaign, areaId: run.query.areaId },
    run,
  ),
);
