import "server-only";
import { z } from "zod";
import { progressSummary } from "../services/progress";
import { roleProcedure, router } from "../trpc";

const supervisor = roleProcedure("supervisor", "admin");

export const progressRouter = router({
  /**
   * Progress by grid, officer and day with totals, for one campaign (the newest open one unless
   * named) over the caller's area or an area under it (anything else: NOT_FOUND).
   */
  summary: supervisor
    .input(z.object({ campaignId: z.uuid().optional(), areaId: z.uuid().optional() }))
    .query(({ ctx, input }) => progressSummary(ctx.readDb, ctx.user, input, ctx.now, ctx.db)),
});
