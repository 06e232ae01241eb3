import "server-only";

/**
 * Errors that reach the edge are logged without the personal data they carry. A database error's text
 * holds its statement's parameters (drizzle: "Failed query: … params: 张三,440104…"), and PostgreSQL's
 * own message may quote a value (`invalid input syntax for type date: "…"`), so names and ID numbers
 * would land in the server's logs, which are kept for months and read by people who may not read the
 * register. A database error is therefore logged by what locates it — its SQLSTATE, the constraint,
 * table and column it names, and the statement with its `$n` placeholders — never by its message or
 * parameters. Any other error keeps its name, message and stack: those are the code's words.
 */

interface DatabaseErrorLike {
  code: string;
  severity?: string;
  routine?: string;
  constraint?: string;
  table?: string;
  column?: string;
  /** 1-based character offset into the statement where the server stopped, for syntax and name errors. */
  position?: string;
}

/** PostgreSQL's (node-postgres') and PGlite's errors alike: a five-character SQLSTATE, and where it arose. */
function isDatabaseError(error: unknown): error is DatabaseErrorLike {
  if (!error || typeof error !== "object") return false;
  const { code, severity, routine } = error as Record<string, unknown>;
  return (
    typeof code === "string" &&
    /^[0-9A-Z]{5}$/.test(code) &&
    (typeof severity === "string" || typeof routine === "string")
  );
}

/** drizzle's wrapper of a failed statement: the SQL text and its parameters. */
function isQueryError(error: unknown): error is { query: string; params: unknown[] } {
  if (!error || typeof error !== "object") return false;
  const { query, params } = error as Record<string, unknown>;
  return typeof query === "string" && Array.isArray(params);
}

/** The stack's frames only: its first lines repeat the message, which is what must stay out. */
const framesOf = (error: unknown) =>
  error instanceof Error && error.stack
    ? error.stack
        .split("\n")
        .filter((line) => /^\s+at /.test(line))
        .slice(0, 12)
        .join("\n")
    : "";

/** One error as a log line (and its stack frames), with no value a statement was given. */
export function describeError(error: unknown): string {
  const chain: unknown[] = [];
  for (let e: unknown = error; e && chain.length < 10 && !chain.includes(e); ) {
    chain.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  const query = chain.find(isQueryError);
  const database = chain.find(isDatabaseError);
  if (!query && !database) {
    const parts = chain.map((e) =>
      e instanceof Error ? `${e.name}: ${e.message}` : `${typeof e}: ${String(e).slice(0, 200)}`,
    );
    const frames = framesOf(error);
    return `${parts.join(" ← caused by ")}${frames ? `\n${frames}` : ""}`;
  }
  const where = database
    ? [
        `database error ${database.code}`,
        database.routine && `routine ${database.routine}`,
        database.constraint && `constraint ${database.constraint}`,
        database.table && `table ${database.table}`,
        database.column && `column ${database.column}`,
      ]
        .filter(Boolean)
        .join(", ")
    : "database error";
  // The statement's text has placeholders where the values go; the values themselves are left out. A
  // long one is cut, with the place the server pointed at (if it did) shown as well.
  const text = query?.query ?? "";
  const at = Number(database?.position);
  const near =
    Number.isInteger(at) && at > 300 && at <= text.length
      ? ` … at ${at}: ${text.slice(Math.max(0, at - 60), at + 60).replace(/\s+/g, " ")}`
      : "";
  const statement = query ? ` in: ${text.replace(/\s+/g, " ").trim().slice(0, 300)}${near}` : "";
  // Where the statement was awaited: the query error's frames (without its message lines).
  const frames = framesOf(query ?? error);
  return `${where}${statement} (message and parameters not logged)${frames ? `\n${frames}` : ""}`;
}

export function logError(tag: string, error: unknown): void {
  console.error(`[${tag}] ${describeError(error)}`);
}
