import "server-only";
import { z } from "zod";
import { pushInputSchema } from "@/domain/push-input";
import { contactFromDevice } from "../services/devices";
import { deviceKeyOf } from "../services/vault";
import { authedProcedure, publicProcedure, router } from "../trpc";

export const vaultRouter = router({
  // A mutation: it registers the device on first contact, is audited, and its answer is never cached.
  // Any role may call it for its own device; the secret only opens that user's store on that phone.
  deviceKey: authedProcedure.input(z.object({ deviceId: z.uuid() })).mutation(({ ctx, input }) =>
    deviceKeyOf(ctx.db, ctx.user, {
      deviceId: input.deviceId,
      userAgent: ctx.userAgent,
      ip: ctx.ip,
      defaultLockMinutes: ctx.env.fieldLockMinutes,
    }),
  ),

  // Without a session, by the device's contact token (handed out with its key): a disabled officer's
  // phone hands its unsent work to the quarantine and is told to erase. Any other caller gets 401.
  contact: publicProcedure
    .input(pushInputSchema.extend({ token: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) =>
      contactFromDevice(ctx.db, input as Parameters<typeof contactFromDevice>[1], {
        now: ctx.now,
        ip: ctx.ip,
      }),
    ),
});
