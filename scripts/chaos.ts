/**
 * Many fault runs of the sync in Chromium (e2e/sync-chaos.spec.ts): requests dropped before and after
 * the server commits, reloads mid-sync, a server restart. Builds the app first if there is no build.
 *   npm run chaos -- --runs 100 [--seed 20261124]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    seed: { type: "string", default: String(Date.now() % 1e9) },
  },
});

const run = (command: string, args: string[], env: Record<string, string> = {}) => {
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (!existsSync(".next/BUILD_ID")) run("npx", ["next", "build"]);
console.log(`chaos: ${values.runs} runs from seed ${values.seed}`);
run("npx", ["playwright", "test", "e2e/sync-chaos.spec.ts"], {
  CHAOS_RUNS: values.runs,
  CHAOS_SEED: values.seed,
});
