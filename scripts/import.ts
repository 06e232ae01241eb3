import "@/domain/i18n/all";
/**
 * Imports a register file returned by a department into the database the app would open
 * (DATABASE_URL → PostgreSQL, otherwise PGlite in DOORSTEP_DATA_DIR, default ./data):
 *
 *   npm run import -- --kind persons|buildings|rooms|units|rentals --file F.csv|F.xlsx [--dry-run] [--json]
 *                     [--mapping M.json] [--batch N]
 *
 * CSV in UTF-8 (with or without BOM) or GB18030/GBK, or XLSX (first sheet); Chinese headers as in
 * domain/import/ (IMPORT_COLUMNS); a mapping file {"表头": "field"} adds or overrides headers. Prints a zh-CN summary
 * (LANG=en… for English), or the report as JSON with --json. Rejected rows go to F.rejected.csv
 * (UTF-8 with BOM, same headers plus 错误原因) to fix and import again. Warnings of imported rows are
 * printed after the problems (the first 20; --json holds up to MAX_WARNINGS and the total).
 *
 * Exit status: 0 all rows imported (warnings or not), 1 some row rejected or the import stopped (or was
 * cancelled with Ctrl-C: it stops at the next batch, and a second Ctrl-C ends it at once), 2 bad arguments.
 * Stop the app first when using PGlite: it has no file locking.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/client";
import { createTranslator, negotiateLocale } from "@/domain/i18n";
import { IMPORT_COLUMNS, IMPORT_KINDS, isImportKind } from "@/domain/import";
import { parseMapping } from "@/domain/import/columns";
import type { ImportReport } from "@/domain/import/report";
import { readEnv } from "@/server/env";
import { logError } from "@/server/log";
import { DEFAULT_BATCH_SIZE, importFile } from "@/server/services/import";

const USAGE = `usage: npm run import -- --kind ${IMPORT_KINDS.join("|")} --file F.csv|F.xlsx [--dry-run] [--json] [--mapping M.json] [--batch N]`;

function usage(message: string): never {
  console.error(message);
  console.error(USAGE);
  process.exit(2);
}

function args() {
  try {
    return parseArgs({
      options: {
        kind: { type: "string" },
        file: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        mapping: { type: "string" },
        batch: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    usage((error as Error).message);
  }
}

/** Lines printed of each list (problems, warnings); the rejected rows file and --json have more. */
const SHOWN = 20;

function printSummary(report: ImportReport, t: ReturnType<typeof createTranslator>): void {
  const lines = [
    t("import.summary.title", { kind: t(`import.summary.kind.${report.kind}`), file: report.file }),
    t("import.summary.encoding", { encoding: report.format === "xlsx" ? "XLSX" : (report.encoding ?? "—") }),
  ];
  if (report.dryRun) lines.push(t("import.summary.dryRun"));
  lines.push(
    t("import.summary.totals", {
      read: report.read,
      inserted: report.inserted,
      updated: report.updated,
      unchanged: report.unchanged,
      rejected: report.rejected,
    }),
    report.kind === "persons"
      ? t("import.summary.households", { households: report.householdsCreated, batches: report.batches })
      : report.kind === "rentals"
        ? t("import.summary.persons", { persons: report.personsCreated, batches: report.batches })
        : t("import.summary.batches", { batches: report.batches }),
  );
  if (report.ignoredColumns.length > 0) {
    lines.push(t("import.summary.ignored", { columns: report.ignoredColumns.join("、") }));
  }
  if (report.stoppedAt) lines.push(t("import.summary.stopped", report.stoppedAt));
  if (report.errors.length > 0) {
    const shown = report.errors.slice(0, SHOWN);
    lines.push(t("import.summary.errors", { shown: shown.length, total: report.errorsTotal }));
    for (const e of shown) lines.push(`  ${t("import.summary.error", { ...e })}`);
  }
  if (report.warnings.length > 0) {
    const shown = report.warnings.slice(0, SHOWN);
    lines.push(t("import.summary.warnings", { shown: shown.length, total: report.warningsTotal }));
    for (const w of shown) lines.push(`  ${t("import.summary.error", { ...w })}`);
  }
  if (report.rejectedFile) lines.push(t("import.summary.rejectedFile", { path: report.rejectedFile }));
  const seconds = report.elapsedMs / 1000;
  lines.push(
    t("import.summary.elapsed", {
      seconds: seconds.toFixed(1),
      rate: Math.round(report.read / Math.max(seconds, 0.001)).toLocaleString("en"),
    }),
  );
  console.log(lines.join("\n"));
}

async function main(): Promise<void> {
  const values = args();
  if (values.help) usage("");
  const kind = values.kind;
  if (!isImportKind(kind))
    usage(`--kind must be one of ${IMPORT_KINDS.join(", ")} (got ${kind ?? "nothing"})`);
  if (!values.file) usage("--file is required");
  if (!fs.existsSync(values.file) || !fs.statSync(values.file).isFile())
    usage(`no such file: ${values.file}`);
  const batchSize = values.batch === undefined ? DEFAULT_BATCH_SIZE : Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1) usage("--batch must be a whole number ≥ 1");
  let mapping: Record<string, string> | undefined;
  if (values.mapping) {
    let content: unknown;
    try {
      content = JSON.parse(fs.readFileSync(values.mapping, "utf8"));
    } catch (error) {
      usage(`--mapping: ${(error as Error).message}`);
    }
    const checked = parseMapping(IMPORT_COLUMNS[kind], content);
    if (!checked.ok) usage(`--mapping: ${checked.error}`);
    mapping = checked.mapping;
  }

  const t = createTranslator(negotiateLocale(null, process.env.LANG));
  const env = readEnv();
  const database = env.databaseUrl
    ? await openDatabase({ kind: "postgresql", url: env.databaseUrl })
    : await openDatabase({ kind: "pglite", dataDir: env.dataDir });
  // Ctrl-C (or a service manager's SIGTERM) stops the import at the next batch: the batch being written
  // commits, the summary says from which row nothing was imported, and the audit entry says cancelled.
  // A second signal ends the process at once (the entry then counts the committed batches, as after a kill).
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stop.signal.aborted) process.exit(130);
      console.error(t("import.summary.stopping"));
      stop.abort();
    });
  }
  try {
    const report = await importFile(database.db, {
      signal: stop.signal,
      kind,
      file: values.file,
      translate: t,
      dryRun: values["dry-run"],
      mapping,
      batchSize,
      rejectedPath: `${values.file.replace(/\.(csv|xlsx)$/i, "")}.rejected.csv`,
    });
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else printSummary(report, t);
    process.exitCode = report.rejected > 0 || report.stoppedAt ? 1 : 0;
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  // Without the parameters a failed statement carries (names, ID numbers from the file).
  logError("import", error);
  process.exit(1);
});
