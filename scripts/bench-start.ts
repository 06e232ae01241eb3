/**
 * Cold start: how long `next start` takes until /api/health answers, on the data folder that
 * exists (run `npm run build` first; the first start of an empty folder also seeds the demo).
 *   npm run bench:start [-- --runs 3]
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { emitFigures } from "./support/figures";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "3" }, port: { type: "string", default: "3199" } },
});
const port = Number(values.port);

/** The server's own child can outlive the npx wrapper a little; the next run must not meet it. */
async function portClosed(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/api/health`);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`port ${port} is still answering`);
}

async function once(): Promise<number> {
  await portClosed();
  const started = performance.now();
  const child = spawn("node_modules/.bin/next", ["start", "-p", String(port)], {
    stdio: "ignore",
    env: process.env,
    detached: true,
  });
  try {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (response.ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
      if (performance.now() - started > 300_000) throw new Error("no answer within 5 minutes");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    // A hard stop: a graceful one waits for idle keep-alive connections and would skew the next run.
    process.kill(-(child.pid as number), "SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    await portClosed();
  }
}

async function main() {
  const times: number[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const ms = await once();
    times.push(ms);
    console.log(`run ${i + 1}: ${(ms / 1000).toFixed(2)} s to a healthy /api/health`);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] / 1000;
  console.log(
    `cold start median: ${median.toFixed(2)} s (${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"})`,
  );
  emitFigures("start", [
    { figure: "cold start to healthy /api/health", unit: "ms", measured: median * 1000 },
  ]);
}

main();
