/** What `sync.pull` accepts, and the cursor it hands out, validated (server side mostly). */

import { z } from "zod";
import { PULL_CURSOR_MAX_LENGTH, PULL_LIMIT_DEFAULT, PULL_LIMIT_MAX, PULL_TABLES } from "./pull";

export const pullInputSchema = z
  .object({
    /** Default: the newest open campaign the caller has an active assignment in. */
    campaignId: z.uuid().optional(),
    /**
     * Only the campaign's own rows (targets, visits, codes, feedback), not the register: a phone
     * holding several campaigns of the same grids downloads the register once, with its first
     * campaign, and each other campaign this way (app/field/_lib/pull.ts, pullCampaigns).
     */
    campaignOnly: z.boolean().optional(),
    /**
     * With `campaignOnly`: the campaign whose pull brought the phone its register. Only the register
     * of the grids the caller holds whole there is left out; a grid held in this campaign alone (or
     * only covered in that one) comes with its register rows. Absent: the whole register is left out.
     */
    registerCampaignId: z.uuid().optional(),
    cursor: z.string().max(PULL_CURSOR_MAX_LENGTH).nullish(),
    /** The phone's device id: which device holds which grid decides whose late visits count. */
    deviceId: z.uuid().optional(),
    limit: z.number().int().min(1).max(PULL_LIMIT_MAX).default(PULL_LIMIT_DEFAULT),
  })
  .prefault({});
export type PullInput = z.input<typeof pullInputSchema>;

/** A transaction id (xid8) as decimal text: JSON numbers lose precision above 2^53. */
const xidSchema = z.string().regex(/^\d{1,20}$/);

/**
 * What the opaque cursor holds, before base64url. `floors` gives each grid the stamp it is complete
 * below (several groups only while a newly assigned grid catches up from 0). `range` is present while
 * a round is being paged: its ceiling is fixed for the whole round, and `table`/`after` is the keyset
 * position, so pages neither skip nor repeat rows.
 */
export const pullCursorSchema = z
  .object({
    v: z.literal(1),
    campaignId: z.uuid().nullable(),
    /** Pulled with `campaignOnly`: the floors say nothing of the register. */
    co: z.literal(true).optional(),
    /** With `co`: the grids whose register it left out (absent, from before: all of them). */
    ro: z.array(z.uuid()).max(1_000).optional(),
    floors: z.array(z.tuple([xidSchema, z.array(z.uuid()).min(1)])).max(1_000),
    /** The campaign questionnaire's version the phone holds (absent: none), so it comes down only when it changes. */
    qv: z.number().int().positive().optional(),
    range: z
      .object({
        ceiling: xidSchema,
        table: z
          .number()
          .int()
          .min(0)
          .max(PULL_TABLES.length - 1),
        after: z.tuple([xidSchema, z.uuid()]).nullable(),
      })
      .optional(),
  })
  .refine((cursor) => {
    const ids = cursor.floors.flatMap(([, gridIds]) => gridIds);
    return new Set(ids).size === ids.length;
  });
export type PullCursor = z.infer<typeof pullCursorSchema>;
