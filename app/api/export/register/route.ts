import { z } from "zod";
import { exportRoute } from "@/server/http/export-route";
import { exportRegister } from "@/server/services/export";

/**
 * GET /api/export/register?format=csv|xlsx[&areaId=<uuid>]
 * The current persons register of the area under the import's headers, unmasked so it re-imports:
 * administrators only (a supervisor is told so), audited with the number of persons written.
 */

export const dynamic = "force-dynamic";

const query = z.object({
  format: z.enum(["csv", "xlsx"]),
  areaId: z.uuid().optional(),
});

export const GET = exportRoute("register", ["supervisor", "admin"], query, (run) =>
  exportRegister(run.db, run.user, run.query, run),
);
