import { randomUUID } from "node:crypto";
import { createSerwistRoute } from "@serwist/turbopack";

// Pages the officer must be able to open with no signal; a new build gets a new revision.
const revision = randomUUID();
const OFFLINE_PAGES = ["/field", "/field/room", "/offline", "/login", "/"];

export const { dynamic, dynamicParams, revalidate, generateStaticParams, GET } = createSerwistRoute({
  swSrc: "app/sw.ts",
  useNativeEsbuild: true,
  additionalPrecacheEntries: OFFLINE_PAGES.map((url) => ({ url, revision })),
  // Workbox skips files over its limit with only a warning; keep the limit explicit.
  maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
});
