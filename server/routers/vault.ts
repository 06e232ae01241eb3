import "server-only";
import { z } from "zod";
import { deviceKeyOf } from "../services/vault";
import { authedProcedure, router } from "../trpc";

export const vaultRouter = router({
  // A mutation: it registers the device on first contact, is audited, and its answer is never cached.
  // Any role may call it for its own device; the secret only opens that user's store on that phone.
  deviceKey: authedProcedure.input(z.object({ deviceId: z.uuid() })).mutation(({ ctx, input }) =>
    deviceKeyOf(ctx.db, ctx.user, {
      deviceId: input.deviceId,
      userAgent: ctx.userAgent,
      ip: ctx.ip,
      lockMinutes: ctx.env.fieldLockMinutes,
    }),
  ),
});
