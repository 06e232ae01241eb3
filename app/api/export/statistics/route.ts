import { z } from "zod";
import { exportRoute } from "@/server/http/export-route";
import { exportStatistics } from "@/server/services/export";

/**
 * GET /api/export/statistics?format=csv|xlsx[&areaId=<uuid>][&table=communities|grids|industries]
 * Statistics per community and grid of the area (the caller's by default), audited. A CSV holds the
 * three tables under their titles, or the one named by `table`.
 * Supervisors and administrators; refusals as in server/http/export-route.ts.
 */

export const dynamic = "force-dynamic";

const query = z.object({
  format: z.enum(["csv", "xlsx"]),
  areaId: z.uuid().optional(),
  table: z.enum(["communities", "grids", "industries"]).optional(),
});

export const GET = exportRoute("statistics", ["supervisor", "admin"], query, (run) =>
  exportStatistics(run.db, run.user, run.query, run),
);
