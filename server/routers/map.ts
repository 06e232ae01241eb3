import "server-only";
import { z } from "zod";
import { codeValues, VISIT_OUTCOME } from "@/domain/codes";
import { getBuildingCompletion, getCompletion, getCompletionFilters } from "../services/completion";
import { roleProcedure, router } from "../trpc";

const supervisorProcedure = roleProcedure("supervisor", "admin");

const day = z.iso.date();
const filters = z.object({
  campaignId: z.uuid().optional(),
  officerId: z.uuid().optional(),
  outcome: z.enum(codeValues(VISIT_OUTCOME)).optional(),
  from: day.optional(),
  to: day.optional(),
});

// Every read here may lag a little behind the primary: it goes to the read replica when one is set.
export const mapRouter = router({
  /** Areas to draw and every building under the caller's (or the chosen) area, as compact columns. */
  completion: supervisorProcedure
    .input(filters.extend({ areaId: z.uuid().optional() }))
    .query(({ ctx, input }) => getCompletion(ctx.readDb, ctx.user, input, ctx.db)),
  /** One building's rooms, each with its latest counted visit and state. */
  building: supervisorProcedure
    .input(filters.extend({ buildingId: z.uuid() }))
    .query(({ ctx, input: { buildingId, ...rest } }) =>
      getBuildingCompletion(ctx.readDb, ctx.user, buildingId, rest),
    ),
  /** The filter form's choices: campaigns, and officers, communities and grids under the area in view. */
  filters: supervisorProcedure
    .input(z.object({ areaId: z.uuid().optional() }).optional())
    .query(({ ctx, input }) => getCompletionFilters(ctx.readDb, ctx.user, input?.areaId)),
});
