import "server-only";
import { createCallerFactory, router } from "../trpc";
import { authRouter } from "./auth";
import { campaignRouter } from "./campaign";
import { checkRouter } from "./check";
import { mapRouter } from "./map";
import { progressRouter } from "./progress";
import { areaRouter, buildingRouter, householdRouter, personRouter } from "./register";
import { conflictRouter, deviceRouter, reviewRouter } from "./supervise";
import { syncRouter } from "./sync";
import { userRouter } from "./user";
import { vaultRouter } from "./vault";

export const appRouter = router({
  auth: authRouter,
  area: areaRouter,
  building: buildingRouter,
  household: householdRouter,
  person: personRouter,
  sync: syncRouter,
  review: reviewRouter,
  conflict: conflictRouter,
  device: deviceRouter,
  progress: progressRouter,
  map: mapRouter,
  check: checkRouter,
  campaign: campaignRouter,
  user: userRouter,
  vault: vaultRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
