import "server-only";
import { router } from "../trpc";

export const reviewRouter = router({});
export const conflictRouter = router({});
export const deviceRouter = router({});
