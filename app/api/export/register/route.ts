import { z } from "zod";
import { IMPORT_KINDS } from "@/domain/import";
import { exportRoute } from "@/server/http/export-route";
import { exportRegister } from "@/server/services/export";

/**
 * GET /api/export/register?format=csv|xlsx[&kind=persons|buildings|rooms|units|rentals][&areaId=<uuid>]
 * The current register of one import kind (persons when not given, as this route always was) in the
 * area under that kind's import headers, unmasked so it re-imports: administrators only (a supervisor
 * is told so), audited with the kind and the number of records written.
 */

export const dynamic = "force-dynamic";

const query = z.object({
  format: z.enum(["csv", "xlsx"]),
  kind: z.enum(IMPORT_KINDS).default("persons"),
  areaId: z.uuid().optional(),
});

export const GET = exportRoute("register", ["supervisor", "admin"], query, (run) =>
  exportRegister(run.db, run.user, run.query, run),
);
