import "server-only";
import { pullInputSchema } from "@/domain/sync-input";
import { openCampaignsOf, pullChanges } from "../services/pull";
import { authedProcedure, router } from "../trpc";

export const syncRouter = router({
  campaigns: authedProcedure.query(({ ctx }) => openCampaignsOf(ctx.db, ctx.user)),

  // A mutation, not a query: each page with rows is an audited unmasked read, never to be prefetched
  // or cached. Any role may call it; what it returns is limited to the caller's own assignments.
  pull: authedProcedure
    .input(pullInputSchema)
    .mutation(({ ctx, input }) => pullChanges(ctx.db, ctx.user, input, { ip: ctx.ip, now: ctx.now })),
});
