import "server-only";
import { z } from "zod";
import { campaignAutoApproveInput, campaignCreateInput, targetPreviewInput } from "@/domain/campaign";
import { targetMoveInput, targetRerunInput } from "@/domain/targets";
import {
  assignGrid,
  closeCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  setAutoApprove,
  unassignGrid,
} from "../services/campaigns";
import {
  currentQuestionnaire,
  discardQuestionnaireDraft,
  publishQuestionnaire,
  questionnaireDraft,
  questionnaireVersions,
} from "../services/questionnaires";
import { moveTargets, targetHolders } from "../services/target-moves";
import { previewRerun, previewTargets, rerunTargets } from "../services/targets";
import { roleProcedure, router } from "../trpc";

const supervisor = roleProcedure("supervisor", "admin");
const admin = roleProcedure("admin");

const questionnaireVersionInput = z.object({
  campaignId: z.uuid(),
  version: z.number().int().min(1).max(1_000_000),
});

const gridInput = z.object({ campaignId: z.uuid(), gridId: z.uuid() });

export const campaignRouter = router({
  list: supervisor.query(({ ctx }) => listCampaigns(ctx.db, ctx.user)),

  get: supervisor
    .input(z.object({ id: z.uuid() }))
    .query(({ ctx, input }) => getCampaign(ctx.db, ctx.user, input.id)),

  /** The questionnaire version in force (uploads go through POST /api/questionnaires: a file). */
  questionnaire: supervisor
    .input(z.object({ id: z.uuid() }))
    .query(({ ctx, input }) => currentQuestionnaire(ctx.db, ctx.user, input.id)),

  /** Every version, newest first (each downloads again through GET /api/questionnaires). */
  questionnaireVersions: supervisor
    .input(z.object({ id: z.uuid() }))
    .query(({ ctx, input }) => questionnaireVersions(ctx.db, ctx.user, input.id)),

  /** The draft an upload left, with its definition for the preview (administrators of the campaign). */
  questionnaireDraft: admin
    .input(z.object({ id: z.uuid() }))
    .query(({ ctx, input }) => questionnaireDraft(ctx.db, ctx.user, input.id)),

  /** The draft becomes the version in force, never changed again. */
  publishQuestionnaire: admin
    .input(questionnaireVersionInput)
    .mutation(({ ctx, input }) =>
      publishQuestionnaire(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip }),
    ),

  discardQuestionnaireDraft: admin
    .input(questionnaireVersionInput)
    .mutation(({ ctx, input }) =>
      discardQuestionnaireDraft(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip }),
    ),

  create: admin
    .input(campaignCreateInput)
    .mutation(({ ctx, input }) => createCampaign(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),

  /** What a new campaign's register query would target, per community and grid, with a masked sample. */
  previewTargets: admin
    .input(targetPreviewInput)
    .query(({ ctx, input }) => previewTargets(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),

  /** What re-running a targeted campaign's query would add and withdraw. */
  previewRerun: admin
    .input(targetRerunInput)
    .query(({ ctx, input }) =>
      previewRerun(ctx.db, ctx.user, input.campaignId, { now: ctx.now, ip: ctx.ip }),
    ),

  rerunTargets: admin
    .input(targetRerunInput)
    .mutation(({ ctx, input }) =>
      rerunTargets(ctx.db, ctx.user, input.campaignId, { now: ctx.now, ip: ctx.ip }),
    ),

  targetHolders: supervisor
    .input(z.object({ campaignId: z.uuid(), officerId: z.uuid().optional() }))
    .query(({ ctx, input }) => targetHolders(ctx.db, ctx.user, input)),

  moveTargets: supervisor
    .input(targetMoveInput)
    .mutation(({ ctx, input }) => moveTargets(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),

  assign: supervisor
    .input(gridInput.extend({ officerId: z.uuid() }))
    .mutation(({ ctx, input }) => assignGrid(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),

  unassign: supervisor
    .input(gridInput)
    .mutation(({ ctx, input }) => unassignGrid(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),

  setAutoApprove: admin
    .input(campaignAutoApproveInput)
    .mutation(({ ctx, input }) => setAutoApprove(ctx.db, ctx.user, input, { now: ctx.now, ip: ctx.ip })),

  close: admin
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => closeCampaign(ctx.db, ctx.user, input.id, { now: ctx.now, ip: ctx.ip })),
});
