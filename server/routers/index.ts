import "server-only";
import { createCallerFactory, router } from "../trpc";
import { authRouter } from "./auth";
import { areaRouter, buildingRouter, householdRouter, personRouter } from "./register";
import { syncRouter } from "./sync";

export const appRouter = router({
  auth: authRouter,
  area: areaRouter,
  building: buildingRouter,
  household: householdRouter,
  person: personRouter,
  sync: syncRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
