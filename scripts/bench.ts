/**
 * Every benchmark the project has, one after the other, and one table of their figures: figure, aim,
 * measured, the baseline the bench measured in the same run, and the ratio. Written to
 * bench-results/bench.json. Each bench prints as it always does (into bench-results/<name>.log here) and
 * hands its figures over through the file BENCH_JSON names (scripts/support/figures.ts).
 *   npm run bench [-- --quick] [-- --only push,import]
 * On the embedded database by default; with DATABASE_URL, `start` runs against that PostgreSQL and pull
 * and check seed a scratch database on its server (and drop it; the database it names is never
 * touched). push, import and load always make a fresh PostgreSQL database on 127.0.0.1:5432 (and drop
 * it); map runs in the browser with no server database. start, js, field, lighthouse and load
 * need a production build, and so does questionnaire-phone: made first (under the build lock) unless
 * `.next` is current.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Figure } from "./support/figures";
import { ensureBuild } from "./support/next-server";

const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, only: { type: "string" } },
});
const QUICK = values.quick;
const OUT = path.resolve("bench-results");
const RS = "--conditions=react-server";

/** name, tsx arguments, and the shorter arguments of --quick. Ports: this project's 3510–3519. */
const BENCHES: {
  name: string;
  script: string[];
  full: string[];
  quick: string[];
  env?: Record<string, string>;
}[] = [
  {
    name: "start",
    script: ["scripts/bench-start.ts"],
    full: ["--runs", "3", "--port", "3513"],
    quick: ["--runs", "3", "--port", "3513"],
    // Its own data folder: the first run seeds it (the median of three leaves that run out).
    env: { DOORSTEP_DATA_DIR: "/tmp/doorstep-bench-start-3513" },
  },
  { name: "js", script: ["scripts/bench-js.ts"], full: [], quick: [] },
  { name: "pull", script: [RS, "scripts/bench-pull.ts"], full: ["--scale", "1"], quick: ["--scale", "0.2"] },
  {
    name: "push",
    script: [RS, "scripts/bench-push.ts"],
    full: [],
    quick: ["--mutations", "1000", "--runs", "1", "--scale", "0.2"],
  },
  { name: "check", script: [RS, "scripts/bench-check.ts"], full: [], quick: ["--tries", "50"] },
  { name: "import", script: [RS, "scripts/bench-import.ts"], full: [], quick: ["--rows", "10000"] },
  {
    name: "approve",
    script: [RS, "scripts/bench-approve.ts"],
    full: [],
    quick: ["--small", "100", "--large", "1000", "--scale", "0.2"],
  },
  {
    name: "questionnaire",
    script: [RS, "scripts/bench-questionnaire.ts"],
    full: [],
    quick: ["--runs", "1"],
  },
  {
    name: "questionnaire-phone",
    script: ["scripts/bench-questionnaire-phone.ts"],
    full: ["--port", "3516", "--runs", "5"],
    quick: ["--port", "3516", "--runs", "1"],
  },
  {
    name: "field",
    script: ["scripts/bench-field.ts"],
    full: ["--port", "3514", "--data", "/tmp/doorstep-bench-field-3514"],
    quick: ["--port", "3514", "--data", "/tmp/doorstep-bench-field-3514"],
  },
  { name: "map", script: ["scripts/bench-map.ts"], full: [], quick: ["--buildings", "10000", "--runs", "1"] },
  // Seeds a city of N streets (about a million residents at 25) into scratch PostgreSQL databases.
  {
    name: "scale",
    script: [RS, "scripts/bench-scale.ts"],
    full: ["--streets", "25"],
    quick: ["--streets", "3", "--runs", "1"],
  },
  // Seeds a city of N streets for the target creation; the pull's part is one street in PGlite.
  {
    name: "targets",
    script: [RS, "scripts/bench-targets.ts"],
    full: ["--streets", "25"],
    quick: ["--streets", "2", "--runs", "1"],
  },
  { name: "lighthouse", script: ["scripts/lighthouse.ts"], full: ["--runs", "3"], quick: ["--runs", "1"] },
  {
    name: "load",
    script: [RS, "scripts/load.ts"],
    full: [],
    quick: ["--officers", "20", "--visits", "3", "--scale", "0.6"],
  },
];

interface Row extends Figure {
  bench: string;
}

function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString("en");
  return x.toFixed(Math.abs(x) >= 10 ? 1 : 2);
}

function main() {
  const only = values.only?.split(",");
  const chosen = BENCHES.filter((b) => !only || only.includes(b.name));
  fs.mkdirSync(OUT, { recursive: true });
  ensureBuild();
  const rows: Row[] = [];
  const runs: { bench: string; exit: number | null; seconds: number }[] = [];
  for (const bench of chosen) {
    const jsonFile = path.join(OUT, `${bench.name}.json`);
    const logFile = path.join(OUT, `${bench.name}.log`);
    fs.rmSync(jsonFile, { force: true });
    process.stdout.write(`${bench.name.padEnd(11)} … `);
    const started = performance.now();
    const log = fs.openSync(logFile, "w");
    const result = spawnSync(
      "node_modules/.bin/tsx",
      [...bench.script, ...(QUICK ? bench.quick : bench.full)],
      { stdio: ["ignore", log, log], env: { ...process.env, ...bench.env, BENCH_JSON: jsonFile } },
    );
    fs.closeSync(log);
    const seconds = (performance.now() - started) / 1000;
    runs.push({ bench: bench.name, exit: result.status, seconds });
    const emitted = fs.existsSync(jsonFile)
      ? (JSON.parse(fs.readFileSync(jsonFile, "utf8")) as { figures: Figure[] }).figures
      : [];
    for (const figure of emitted) rows.push({ bench: bench.name, ...figure });
    console.log(
      `${seconds.toFixed(0)} s, exit ${result.status}${emitted.length === 0 ? " (no figures: see the log)" : ""}, log ${path.relative(".", logFile)}`,
    );
  }

  const database = process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : "PGlite";
  console.log(`\n${QUICK ? "quick" : "full"} run, ${new Date().toISOString()}, ${database}`);
  const header = ["bench", "figure", "aim", "measured", "baseline", "ratio", ""];
  const table = rows.map((r) => [
    r.bench,
    r.figure,
    r.aim ?? "",
    `${fmt(r.measured)}${r.unit ? ` ${r.unit}` : ""}`,
    r.baseline ? `${fmt(r.baseline)}${r.unit && r.unit !== "rows/s" ? ` ${r.unit}` : ""}` : "—",
    r.ratio ? `${fmt(r.ratio)}×` : "—",
    r.met === undefined || r.met === null ? "" : r.met ? "met" : "NOT met",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  for (const row of [header, ...table]) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
  fs.writeFileSync(
    path.join(OUT, "bench.json"),
    JSON.stringify({ at: new Date().toISOString(), quick: QUICK, database, runs, figures: rows }, null, 2),
  );
  console.log(`\nwritten to ${path.relative(".", path.join(OUT, "bench.json"))}`);
  if (runs.some((r) => r.exit !== 0)) process.exitCode = 1;
}

main();
