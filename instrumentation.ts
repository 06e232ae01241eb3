/** Opens, migrates and (for the demo) seeds the database at start, before the first request. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { getDatabase } = await import("./server/db");
    await getDatabase();
  }
}
