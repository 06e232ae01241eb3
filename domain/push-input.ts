/** What `sync.push` accepts. The visit inside each mutation is judged on its own, so one bad visit is
 * rejected alone; only a malformed envelope refuses the whole request. */

import { z } from "zod";
import { PUSH_MAX_MUTATIONS } from "./push";
import { CHANGE_VALUE_MAX_BYTES, jsonUpTo } from "./schemas/visit";

const visitMutationSchema = z.object({
  id: z.uuid(),
  kind: z.literal("visit"),
  payload: z.object({
    visit: z.record(z.string(), z.unknown()),
    changes: z.array(z.record(z.string(), z.unknown())).max(1_000),
  }),
});

const resolveMutationSchema = z.object({
  id: z.uuid(),
  kind: z.literal("resolve"),
  // One field's values, as a phone took them from a conflict: never near the bound, so a resolve over it
  // is a malformed envelope (a change's values are judged with its visit instead: domain/visit.ts).
  payload: z.object({
    changeId: z.uuid(),
    value: jsonUpTo(CHANGE_VALUE_MAX_BYTES),
    serverValue: jsonUpTo(CHANGE_VALUE_MAX_BYTES),
  }),
});

export const mutationSchema = z.discriminatedUnion("kind", [visitMutationSchema, resolveMutationSchema]);

export const deviceHealthSchema = z.object({
  appVersion: z.string().max(64),
  unsentCount: z.number().int().min(0).max(1_000_000),
  oldestUnsentAt: z.iso.datetime({ offset: true }).nullable(),
  storagePersisted: z.boolean().nullable(),
  storageUsage: z.number().int().min(0).nullable(),
  storageQuota: z.number().int().min(0).nullable(),
});

export const pushInputSchema = z.object({
  deviceId: z.uuid(),
  mutations: z.array(mutationSchema).max(PUSH_MAX_MUTATIONS),
  device: deviceHealthSchema.optional(),
});
