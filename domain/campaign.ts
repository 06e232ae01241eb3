// A campaign (核查任务) is one survey round over some areas; assignments tie officers to its grids.
// The create form's schema lives here so the page and the server validate alike. Pure: no I/O.

import { z } from "zod";
import { dateField, optional, requiredText, whenValid, withKeys } from "./schemas/fields";
import { campaignTarget, type TargetKind, type TargetQuery, targetQuery } from "./targets";

export const CAMPAIGN_NAME_MAX = 60;
/** More areas than a street has communities would be a mistake in the form, not a survey. */
export const CAMPAIGN_AREAS_MAX = 50;

const campaignAreaIds = z
  .array(z.uuid(withKeys), withKeys)
  .min(1, { error: "campaign.error.areasRequired" })
  .max(CAMPAIGN_AREAS_MAX);

export const campaignCreateInput = z
  .object({
    name: requiredText(CAMPAIGN_NAME_MAX),
    // An untouched date input sends "": that is a missing date, not a badly written one.
    startsOn: z.string(withKeys).trim().min(1, { error: "validation.required" }).pipe(dateField()),
    endsOn: optional(dateField()),
    areaIds: campaignAreaIds,
    /** Visits that only confirm (verified, no corrections) are approved as they arrive. */
    autoApprove: z.boolean(withKeys).default(false),
    /** Every door of the areas (the default), or the targets a register query picks. */
    target: campaignTarget,
  })
  .superRefine(
    (value, ctx) => {
      if (value.endsOn && value.endsOn < value.startsOn) {
        ctx.addIssue({
          code: "custom",
          message: "campaign.error.endsBeforeStart",
          path: ["endsOn"],
          input: value.endsOn,
        });
      }
    },
    { when: whenValid("startsOn", "endsOn") },
  );

/** What a new campaign over these areas with this query would target (nothing is made). */
export const targetPreviewInput = z.object({ areaIds: campaignAreaIds, query: targetQuery });

export type CampaignCreateInput = z.output<typeof campaignCreateInput>;
export type CampaignCreateValues = z.input<typeof campaignCreateInput>;

export const campaignAutoApproveInput = z.object({ id: z.uuid(withKeys), autoApprove: z.boolean(withKeys) });

export const CAMPAIGN_STATUSES = ["draft", "open", "closed"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** A campaign as the list shows it: how far its grids are staffed. */
export interface CampaignSummary {
  id: string;
  name: string;
  status: CampaignStatus;
  startsOn: string;
  endsOn: string | null;
  closedAt: Date | null;
  /** Confirmations (verified, no corrections) are approved as they arrive; the rest wait for review. */
  autoApprove: boolean;
  areas: { id: string; name: string; level: string }[];
  /** Grids the campaign covers under the caller's area. */
  grids: number;
  /** Of those, grids with an officer assigned now. */
  assignedGrids: number;
  /** Distinct officers assigned now to those grids. */
  officers: number;
}

export interface CampaignGrid {
  id: string;
  code: string;
  name: string;
  communityName: string;
  officer: { id: string; displayName: string; username: string } | null;
  /** Offered officers whose own area contains the grid: listed first in its select. */
  homeOfficerIds: string[];
}

export interface CampaignOfficer {
  id: string;
  displayName: string;
  username: string;
  /** The officer's own area, to tell namesakes apart and see who is local. */
  areaName: string;
  /** Offered for every grid; false for one listed only because they hold a grid now. */
  eligible: boolean;
}

export interface CampaignDetail extends CampaignSummary {
  targetKind: TargetKind;
  targetQuery: TargetQuery | null;
  /** Open targets under the caller's area (0 for an every-door campaign). */
  targets: number;
  gridList: CampaignGrid[];
  officerList: CampaignOfficer[];
  /** Whether the caller may close it (an administrator over all its areas). */
  canClose: boolean;
}
