import "server-only";
import { createCallerFactory, router } from "../trpc";
import { authRouter } from "./auth";
import { areaRouter, buildingRouter, householdRouter, personRouter } from "./register";

export const appRouter = router({
  auth: authRouter,
  area: areaRouter,
  building: buildingRouter,
  household: householdRouter,
  person: personRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
