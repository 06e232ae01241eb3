// The README's test command on machines unlike this one: scripts/test.sh's checks (`--setup-only` runs
// them and no test). Chromium must be here, as for the rest of the suite; PostgreSQL is not needed.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

function setup(env: Record<string, string>) {
  const run = spawnSync("bash", ["scripts/test.sh", "--setup-only"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("npm test's setup", () => {
  it("says plainly that the PostgreSQL half is skipped when asked to skip it", () => {
    const run = setup({ TEST_DATABASE_URL: "" });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("PostgreSQL half SKIPPED: TEST_DATABASE_URL is empty");
  });

  it("stops when the server a run names cannot be used, without showing its password", () => {
    const run = setup({ TEST_DATABASE_URL: "postgres://doorstep:s3cret@127.0.0.1:1/test" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("TEST_DATABASE_URL=postgres://doorstep:***@127.0.0.1:1/test cannot be used");
    expect(run.stderr).toContain("ECONNREFUSED");
    expect(run.stderr).toContain("TEST_DATABASE_URL= (empty) to skip");
    expect(run.stdout + run.stderr).not.toContain("s3cret");
  });

  it("stops with one line when CHROMIUM_PATH names no program", () => {
    const run = setup({ CHROMIUM_PATH: "/nonexistent/chromium", TEST_DATABASE_URL: "" });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([
      "CHROMIUM_PATH=/nonexistent/chromium is not a program: point it at Chromium, or unset it to use Debian's /usr/bin/chromium",
    ]);
  });
});
