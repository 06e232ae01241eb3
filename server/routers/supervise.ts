import "server-only";
import { z } from "zod";
import { DEVICE_MARKS } from "@/domain/device";
import { createTranslator } from "@/domain/i18n";
import { MAX_LOCK_MINUTES, MIN_LOCK_MINUTES } from "@/domain/vault";
import { REVIEW_STATES } from "@/domain/visit";
import { decideQuarantine, markDevice, quarantineList } from "../services/devices";
import {
  conflictInbox,
  decideVisits,
  deviceList,
  resolveFromInbox,
  revealConflict,
  reviewQueue,
  reviewVisit,
} from "../services/review";
import { lockSetting, setLockMinutes } from "../services/settings";
import { roleProcedure, router } from "../trpc";

const supervisor = roleProcedure("supervisor", "admin");

export const reviewRouter = router({
  queue: supervisor
    .input(
      z.object({
        state: z.enum(REVIEW_STATES).default("submitted"),
        campaignId: z.uuid().optional(),
        gridId: z.uuid().optional(),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).default(0),
      }),
    )
    .query(({ ctx, input }) => reviewQueue(ctx.db, ctx.user, input)),

  visit: supervisor
    .input(z.object({ id: z.uuid() }))
    .query(({ ctx, input }) => reviewVisit(ctx.db, ctx.user, input.id)),

  // A mutation: it writes an audit row, and must never be prefetched or cached.
  reveal: supervisor
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => reviewVisit(ctx.db, ctx.user, input.id, { reveal: true, ip: ctx.ip })),

  decide: supervisor
    .input(
      z.object({
        visits: z
          .array(z.object({ id: z.uuid(), version: z.number().int().min(1) }))
          .min(1)
          .max(200),
        decision: z.enum(["approve", "return"]),
        comment: z.string().trim().max(500).nullish(),
        fields: z
          .array(z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/))
          .max(40)
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) => decideVisits(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),
});

export const conflictRouter = router({
  list: supervisor.query(({ ctx }) => conflictInbox(ctx.db, ctx.user)),

  // A mutation: it writes an audit row (an unmasked read), and must never be prefetched or cached.
  reveal: supervisor
    .input(z.object({ changeId: z.uuid() }))
    .mutation(({ ctx, input }) => revealConflict(ctx.db, ctx.user, input.changeId, ctx.ip)),

  resolve: supervisor
    .input(
      z.object({
        mutationId: z.uuid(),
        deviceId: z.uuid(),
        changeId: z.uuid(),
        choice: z.enum(["server", "observed", "other"]),
        value: z.unknown().optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      resolveFromInbox(ctx.db, ctx.user, input, {
        now: ctx.now,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        translate: createTranslator(ctx.locale),
      }),
    ),
});

export const deviceRouter = router({
  list: supervisor.query(({ ctx }) => deviceList(ctx.db, ctx.user, ctx.now)),

  mark: supervisor
    // null lifts the mark: the phone is in use again.
    .input(z.object({ deviceId: z.uuid(), mark: z.enum(DEVICE_MARKS).nullable() }))
    .mutation(({ ctx, input }) => markDevice(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),

  quarantine: supervisor.query(({ ctx }) => quarantineList(ctx.db, ctx.user)),

  // The phones' idle lock: read by supervisors, changed by an administrator of the whole jurisdiction.
  lock: supervisor.query(({ ctx }) => lockSetting(ctx.db, ctx.user, ctx.env.fieldLockMinutes)),

  setLock: roleProcedure("admin")
    .input(z.object({ minutes: z.number().int().min(MIN_LOCK_MINUTES).max(MAX_LOCK_MINUTES) }))
    .mutation(({ ctx, input }) =>
      setLockMinutes(ctx.db, ctx.user, input.minutes, { ip: ctx.ip, fallback: ctx.env.fieldLockMinutes }),
    ),

  // Accepting runs the work through a push as the officer: a mutation, audited, never cached.
  decide: supervisor
    .input(
      z.object({
        id: z.uuid(),
        decision: z.enum(["accept", "discard"]),
        reason: z.string().trim().min(1).max(500),
      }),
    )
    .mutation(({ ctx, input }) =>
      decideQuarantine(ctx.db, ctx.user, input, {
        now: ctx.now,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        translate: createTranslator(ctx.locale),
        locale: ctx.locale,
      }),
    ),
});
