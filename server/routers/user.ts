import "server-only";
import { z } from "zod";
import { createTranslator } from "@/domain/i18n";
import { userBulkInput, userCreateInput, userListInput, userUpdateInput } from "@/domain/users";
import {
  areaChoices,
  bulkCreateUsers,
  createManagedUser,
  listUsers,
  resetUserPassword,
  setUserDisabled,
  updateManagedUser,
} from "../services/users";
import { roleProcedure, router } from "../trpc";

// Administrators manage every account of their area, supervisors the officers of theirs (users.ts).
const manager = roleProcedure("supervisor", "admin");
const byUser = z.object({ userId: z.uuid() });

export const userRouter = router({
  list: manager.input(userListInput).query(({ ctx, input }) => listUsers(ctx.db, ctx.user, input)),

  areas: manager
    .input(z.object({ parentId: z.uuid().optional() }))
    .query(({ ctx, input }) => areaChoices(ctx.db, ctx.user, input.parentId)),

  create: manager
    .input(userCreateInput)
    .mutation(({ ctx, input }) => createManagedUser(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),

  setDisabled: manager
    .input(byUser.extend({ disabled: z.boolean() }))
    .mutation(({ ctx, input }) => setUserDisabled(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),

  resetPassword: manager
    .input(byUser)
    .mutation(({ ctx, input }) => resetUserPassword(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),

  update: manager
    .input(userUpdateInput)
    .mutation(({ ctx, input }) => updateManagedUser(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),

  bulkCreate: manager
    .input(userBulkInput)
    .mutation(({ ctx, input }) =>
      bulkCreateUsers(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip }, createTranslator(ctx.locale)),
    ),
});
