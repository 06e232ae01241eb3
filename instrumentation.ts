/** Opens, migrates and (for the demo) seeds the database at start, before the first request. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First, before the slow database start: requests parsed before it carry no peer stamp.
    const { installPeerStamp } = await import("./server/http/peer");
    installPeerStamp();
    const { getDatabase } = await import("./server/db");
    try {
      await getDatabase();
    } catch (error) {
      // Another server holds the PGlite folder: this one could never open it, and would answer every
      // request with a 500. Say so and stop, so the operator sees why at once. (Other failures, such as
      // a PostgreSQL not up yet, are tried again at the next request.)
      if ((error as { code?: unknown }).code === "DOORSTEP_DATA_DIR_IN_USE") {
        console.error(`[doorstep] ${(error as Error).message}`);
        process.exit(1);
      }
      throw error;
    }
  }
}
