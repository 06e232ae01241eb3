import "server-only";
import { createTranslator } from "@/domain/i18n";
import { pullInputSchema } from "@/domain/pull-input";
import type { PushInput } from "@/domain/push";
import { pushInputSchema } from "@/domain/push-input";
import { whoAssigns } from "../services/contacts";
import { pushFromDevice } from "../services/devices";
import { openCampaignsOf, pullChanges } from "../services/pull";
import { authedProcedure, router } from "../trpc";

export const syncRouter = router({
  campaigns: authedProcedure.query(({ ctx }) => openCampaignsOf(ctx.db, ctx.user)),

  // Whom to ask for a grid, for an officer the campaigns answer left with nothing to download.
  supervisors: authedProcedure.query(({ ctx }) => whoAssigns(ctx.db, ctx.user)),

  // A mutation, not a query: each page with rows is an audited unmasked read, never to be prefetched
  // or cached. Any role may call it; what it returns is limited to the caller's own assignments.
  pull: authedProcedure
    .input(pullInputSchema)
    .mutation(({ ctx, input }) => pullChanges(ctx.db, ctx.user, input, { ip: ctx.ip, now: ctx.now })),

  // Any role may push; every object a mutation names is checked against the caller's writable grids,
  // and an out-of-scope one is rejected alone, like a missing one. A phone marked lost or retired hands
  // its work to the quarantine instead and is told to erase its register data.
  push: authedProcedure.input(pushInputSchema).mutation(({ ctx, input }) =>
    pushFromDevice(ctx.db, ctx.user, input as PushInput, {
      now: ctx.now,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      translate: createTranslator(ctx.locale),
      locale: ctx.locale,
    }),
  ),
});
