/**
 * Shared by the scripts that drive a production build (load, lighthouse): make sure `.next` is built
 * from the sources as they are, start `next start` on a port, wait for /api/health, stop it hard.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const SOURCES = [
  "app",
  "server",
  "db",
  "domain",
  "public",
  "next.config.ts",
  "package.json",
  "instrumentation.ts",
  "instrumentation-client.ts",
];

function newestMtime(target: string): number {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target))
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/**
 * Builds unless `.next/BUILD_ID` is newer than every source file. The lock keeps two builds on this
 * machine from running at once; the env var lets Turbopack follow a symlinked node_modules.
 */
export function ensureBuild(): void {
  const buildId = path.join(ROOT, ".next/BUILD_ID");
  const built = fs.statSync(buildId, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  if (built > sources) {
    console.log("build: .next is newer than the sources, not rebuilding");
    return;
  }
  console.log("build: next build (under /tmp/doorstep-build.lock) …");
  const started = performance.now();
  const result = spawnSync(
    "flock",
    [
      "/tmp/doorstep-build.lock",
      "env",
      "NEXT_PRIVATE_OUTPUT_TRACE_ROOT=/work",
      "node_modules/.bin/next",
      "build",
    ],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] },
  );
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
  console.log(`build: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

export interface NextServer {
  port: number;
  origin: string;
  child: ChildProcess;
  /** The server's own output, kept to show when something fails. */
  log: string[];
}

/** `next start` in its own process group (so a stop reaches Next's child too), output kept in memory. */
export function startNext(port: number, env: Record<string, string>): NextServer {
  const child = spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(...chunk.toString().split("\n").filter(Boolean));
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { port, origin: `http://127.0.0.1:${port}`, child, log };
}

export async function waitHealthy(server: NextServer, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${server.origin}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (server.child.exitCode !== null) {
      throw new Error(
        `next start on ${server.port} exited with ${server.child.exitCode}:\n${server.log.join("\n")}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`next start on ${server.port} not healthy in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A hard stop of the whole process group: a graceful one waits for idle keep-alive connections. */
export async function stopNext(server: NextServer): Promise<void> {
  if (server.child.exitCode !== null || server.child.pid === undefined) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  try {
    process.kill(-server.child.pid, "SIGKILL");
  } catch {
    return; // already gone
  }
  await exited;
}
