import "server-only";
import { z } from "zod";
import { getAreaView, getBuildingView, getHouseholdView, revealPerson } from "../services/register";
import { authedProcedure, router } from "../trpc";

const byId = z.object({ id: z.uuid() });

export const areaRouter = router({
  get: authedProcedure
    .input(z.object({ id: z.uuid().optional() }))
    .query(({ ctx, input }) => getAreaView(ctx.db, ctx.user, input.id)),
});

export const buildingRouter = router({
  get: authedProcedure.input(byId).query(({ ctx, input }) => getBuildingView(ctx.db, ctx.user, input.id)),
});

export const householdRouter = router({
  get: authedProcedure
    .input(byId)
    .query(({ ctx, input }) => getHouseholdView(ctx.db, ctx.user, input.id, ctx.now)),
});

export const personRouter = router({
  // A mutation, not a query: it writes an audit row, and must not be prefetched or cached.
  reveal: authedProcedure
    .input(byId)
    .mutation(({ ctx, input }) => revealPerson(ctx.db, ctx.user, input.id, ctx.ip)),
});
