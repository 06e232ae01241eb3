import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, readEnv } from "@/server/env";

const ROOT = path.resolve(__dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

function parseError(source: Record<string, string>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error("expected an EnvError");
}

describe("the server's environment", () => {
  it("has the README's defaults when nothing is set", () => {
    expect(parseEnv({})).toEqual({
      databaseUrl: undefined,
      dataDir: path.resolve("data"),
      demo: true,
      demoScale: 1,
      sessionIdleMinutes: 120,
      sessionMaxHours: 12,
      trustProxyHops: 0,
      importMaxBytes: 512 * 1024 * 1024,
      fieldLockMinutes: 15,
    });
  });

  it("takes DATABASE_READ_URL beside a DATABASE_URL only: the embedded database has no replica", () => {
    const primary = "postgres://db/doorstep";
    const replica = "postgres://replica/doorstep";
    expect(parseEnv({ DATABASE_URL: primary, DATABASE_READ_URL: replica }).databaseReadUrl).toBe(replica);
    expect(parseEnv({ DATABASE_URL: primary, DATABASE_READ_URL: " " }).databaseReadUrl).toBeUndefined();
    expect(parseEnv({ DATABASE_READ_URL: replica }).databaseReadUrl).toBeUndefined();
  });

  it("reads what is set; blank is unset, and demo data is off by default with a DATABASE_URL", () => {
    expect(
      parseEnv({
        DATABASE_URL: " postgres://db/doorstep ",
        DOORSTEP_DATA_DIR: "/srv/doorstep",
        DOORSTEP_DEMO_SCALE: "0.1",
        DOORSTEP_SESSION_IDLE_MINUTES: "30",
        DOORSTEP_SESSION_MAX_HOURS: " ",
        DOORSTEP_TRUST_PROXY: "2",
        DOORSTEP_IMPORT_MAX_MB: "20",
        DOORSTEP_FIELD_LOCK_MINUTES: "5",
      }),
    ).toEqual({
      databaseUrl: "postgres://db/doorstep",
      dataDir: "/srv/doorstep",
      demo: false,
      demoScale: 0.1,
      sessionIdleMinutes: 30,
      sessionMaxHours: 12,
      trustProxyHops: 2,
      importMaxBytes: 20 * 1024 * 1024,
      fieldLockMinutes: 5,
    });
    // The phone's idle lock is kept within 1–240 minutes.
    expect(parseEnv({ DOORSTEP_FIELD_LOCK_MINUTES: "1000" }).fieldLockMinutes).toBe(240);
    expect(parseEnv({ DOORSTEP_TRUST_PROXY: "true" }).trustProxyHops).toBe(1);
    expect(parseEnv({ DATABASE_URL: "postgres://db/x", DOORSTEP_DEMO: "true" }).demo).toBe(true);
    expect(parseEnv({ DOORSTEP_DEMO: "0" }).demo).toBe(false);
  });

  it.each([
    ["DOORSTEP_SESSION_IDLE_MINUTES", "2h"],
    ["DOORSTEP_SESSION_MAX_HOURS", "-1"],
    ["DOORSTEP_SESSION_MAX_HOURS", "0"],
    ["DOORSTEP_DEMO_SCALE", "0x10"],
    ["DOORSTEP_DEMO_SCALE", "Infinity"],
    ["DOORSTEP_DEMO", "ture"],
    ["DOORSTEP_TRUST_PROXY", "yes"],
    ["DOORSTEP_TRUST_PROXY", "-1"],
    ["DOORSTEP_IMPORT_MAX_MB", "lots"],
  ])("refuses %s=%s with an error naming the variable and its value", (name, value) => {
    const error = parseError({ [name]: value });
    expect(error.message).toContain(`${name}: expected`);
    expect(error.message).toContain(`"${value}"`);
  });

  it("names every bad variable at once, and only those", () => {
    const error = parseError({
      DOORSTEP_SESSION_IDLE_MINUTES: "abc",
      DOORSTEP_SESSION_MAX_HOURS: "12",
      DOORSTEP_DEMO_SCALE: "1,5",
    });
    expect(error.message).toContain("DOORSTEP_SESSION_IDLE_MINUTES");
    expect(error.message).toContain("DOORSTEP_DEMO_SCALE");
    expect(error.message).not.toContain("DOORSTEP_SESSION_MAX_HOURS");
  });

  it("is read from process.env once: later changes to it do not reach the running server", () => {
    const first = readEnv();
    const before = process.env.DOORSTEP_SESSION_IDLE_MINUTES;
    process.env.DOORSTEP_SESSION_IDLE_MINUTES = String(first.sessionIdleMinutes + 1);
    try {
      expect(readEnv()).toBe(first);
      expect(readEnv().sessionIdleMinutes).toBe(first.sessionIdleMinutes);
    } finally {
      if (before === undefined) delete process.env.DOORSTEP_SESSION_IDLE_MINUTES;
      else process.env.DOORSTEP_SESSION_IDLE_MINUTES = before;
    }
  });
});

describe("where configuration is read", () => {
  const files = ["app", "server", "domain", "db"].flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
  const relative = (file: string) => path.relative(ROOT, file);

  it("NEXT_PUBLIC_* only in app/_components/public-env.ts, each written out (Next inlines only those)", () => {
    // Comments name the variables elsewhere; only reads count.
    const readers = files
      .filter((file) =>
        /process\.env\.NEXT_PUBLIC_|NEXT_PUBLIC_\w*["'`]\s*\]/.test(readFileSync(file, "utf8")),
      )
      .map(relative);
    expect(readers).toEqual(["app/_components/public-env.ts"]);
    // Its comments say what not to write; the code is what counts.
    const module = readFileSync(path.join(ROOT, "app/_components/public-env.ts"), "utf8").replace(
      /\/\*[\s\S]*?\*\/|\/\/.*$/gm,
      "",
    );
    expect(module).not.toMatch(/process\.env\s*\[/);
    expect(module).not.toMatch(/\{[^}]*\}\s*=\s*process\.env/);
    expect([...module.matchAll(/process\.env\.(NEXT_PUBLIC_\w+)/g)].map((m) => m[1]).sort()).toEqual([
      "NEXT_PUBLIC_APP_VERSION",
      "NEXT_PUBLIC_PUBLIC_URL",
      "NEXT_PUBLIC_TILE_ATTRIBUTION",
      "NEXT_PUBLIC_TILE_CRS",
      "NEXT_PUBLIC_TILE_SUBDOMAINS",
      "NEXT_PUBLIC_TILE_URL",
    ]);
  });

  it('every file under server/ starts with import "server-only"', () => {
    const missing = files
      .filter((file) => relative(file).startsWith(`server${path.sep}`))
      .filter((file) => !readFileSync(file, "utf8").startsWith('import "server-only";\n'))
      .map(relative);
    expect(missing).toEqual([]);
  });
});
