/**
 * For scripts/test.sh: can the tests make databases on the PostgreSQL server at the URL given? Exit 0 when
 * they can; otherwise print why, on one line, and exit 1. test/support/db.ts connects to the URL's own
 * database to create and drop one database per test file, so a server that lacks it (a fresh cluster has
 * only "postgres") gets it created here.
 */
import pg from "pg";

const connect = async (url: URL): Promise<pg.Client> => {
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  return client;
};

async function main() {
  const url = new URL(process.argv[2] ?? "");
  try {
    await (await connect(url)).end();
    return;
  } catch (error) {
    // 3D000: no such database. Anything else (no server, refused login) is the answer.
    if ((error as { code?: string }).code !== "3D000") throw error;
  }
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const client = await connect(maintenance);
  try {
    const name = decodeURIComponent(url.pathname.slice(1));
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // A refused connection on Node 20 is an AggregateError with an empty message: its code says it.
    const { code, message } = error as { code?: string; message?: string };
    console.log([code, message].filter(Boolean).join(": ") || String(error));
    process.exit(1);
  },
);
