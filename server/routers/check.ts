import "server-only";
import { z } from "zod";
import { checkDisputeInput, checkLookupInput } from "@/domain/check";
import { type CheckMeta, confirmHousehold, disputeHousehold, lookupHousehold } from "../services/check";
import { handleDispute, listDisputes } from "../services/disputes";
import { type Context, publicProcedure, roleProcedure, router } from "../trpc";

const meta = (ctx: Context): CheckMeta => ({ ip: ctx.ip, now: ctx.now });

/**
 * The resident self-check (/check). The three public procedures are mutations, so they go by POST
 * only and are never cached; each takes the full proof (name + ID number + code) again.
 */
export const checkRouter = router({
  /** name + ID number + code → the household's address, masked members and verification state. */
  lookup: publicProcedure
    .input(checkLookupInput)
    .mutation(({ ctx, input }) => lookupHousehold(ctx.db, input, meta(ctx))),
  /** The resident confirms the household as shown. */
  confirm: publicProcedure
    .input(checkLookupInput)
    .mutation(({ ctx, input }) => confirmHousehold(ctx.db, input, meta(ctx))),
  /** The resident disputes fields, with a comment and an optional phone to be called back on. */
  dispute: publicProcedure
    .input(checkDisputeInput)
    .mutation(({ ctx, input }) => disputeHousehold(ctx.db, input, meta(ctx))),
  /** Residents' disputes under the caller's area, for the review queue. */
  disputes: roleProcedure("supervisor", "admin")
    .input(
      z.object({
        campaignId: z.uuid().optional(),
        includeHandled: z.boolean().default(false),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).default(0),
      }),
    )
    .query(({ ctx, input }) => listDisputes(ctx.db, ctx.user, input)),
  /** A supervisor marks a dispute handled, with what was done. */
  handle: roleProcedure("supervisor", "admin")
    .input(z.object({ id: z.uuid(), note: z.string().trim().max(500) }))
    .mutation(({ ctx, input }) => handleDispute(ctx.db, ctx.user, input)),
});
