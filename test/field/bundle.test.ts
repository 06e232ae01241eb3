// What the browser pages pull in from our own code, walked by esbuild (npm packages left out): the GB/T 2260
// county table (domain/validators/area-codes.ts, 23 KB) must stay out of the officer's /field JavaScript,
// which has a few KB to spare, and out of the admin's import and export pages, which need only the kinds'
// names; no browser page may reach server/ or db/.
import path from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

async function sourcesOf(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [path.join(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    outdir: "out",
    format: "esm",
    platform: "browser",
    packages: "external",
    jsx: "automatic",
    loader: { ".css": "empty" },
    tsconfig: path.join(ROOT, "tsconfig.json"),
    logLevel: "silent",
  });
  return Object.keys(result.metafile.inputs);
}

const COUNTY_TABLE = "domain/validators/area-codes.ts";

describe("browser bundles", () => {
  it("the walk sees the table where it is: the import's row parsers read IDs with it", async () => {
    expect(await sourcesOf("domain/import/index.ts")).toContain(COUNTY_TABLE);
  });

  it.each([
    "app/field/page.tsx",
    "app/field/room/page.tsx",
    "app/supervise/import/page.tsx",
    "app/supervise/export/page.tsx",
  ])("%s has neither the county table nor server code", async (entry) => {
    const sources = await sourcesOf(entry);
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((file) => file === COUNTY_TABLE || /^(server|db)\//.test(file))).toEqual([]);
  });
});
