import "server-only";
import { loginSchema } from "@/domain/auth";
import { serializeCookie } from "../http/cookies";
import {
  DEVICE_COOKIE,
  DEVICE_MAX_AGE_SECONDS,
  loginUser,
  logoutSession,
  SESSION_COOKIE,
} from "../services/auth";
import { authedProcedure, publicProcedure, router } from "../trpc";

export const authRouter = router({
  login: publicProcedure.input(loginSchema).mutation(async ({ ctx, input }) => {
    const { user, token, maxAgeSeconds, deviceToken } = await loginUser(ctx.db, ctx.env, {
      ...input,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      deviceToken: ctx.deviceToken,
      now: ctx.now,
    });
    ctx.resHeaders.append(
      "set-cookie",
      serializeCookie(SESSION_COOKIE, token, { maxAgeSeconds, secure: ctx.secureCookies }),
    );
    // Outlives sessions and logouts: it marks the browser as one the account has logged in from.
    ctx.resHeaders.append(
      "set-cookie",
      serializeCookie(DEVICE_COOKIE, deviceToken, {
        maxAgeSeconds: DEVICE_MAX_AGE_SECONDS,
        secure: ctx.secureCookies,
      }),
    );
    return user;
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    await logoutSession(
      ctx.db,
      ctx.sessionTokenHash ? { tokenHash: ctx.sessionTokenHash, user: ctx.user } : null,
      ctx.ip,
    );
    ctx.resHeaders.append(
      "set-cookie",
      serializeCookie(SESSION_COOKIE, "", { maxAgeSeconds: 0, secure: ctx.secureCookies }),
    );
    return { ok: true as const };
  }),

  me: publicProcedure.query(({ ctx }) => ctx.user),
});
