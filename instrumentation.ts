/** Opens, migrates and (for the demo) seeds the database at start, before the first request. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First, before the slow database start: requests parsed before it carry no peer stamp.
    const { installPeerStamp } = await import("./server/http/peer");
    installPeerStamp();
    const { getDatabase } = await import("./server/db");
    await getDatabase();
  }
}
