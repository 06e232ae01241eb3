import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContext } from "@/server/context";
import { guardMutation, MAX_BODY_BYTES, readCapped, tooLarge } from "@/server/http/request";
import { logError } from "@/server/log";
import { appRouter } from "@/server/routers";

export const dynamic = "force-dynamic";

async function handler(req: Request): Promise<Response> {
  const refused = guardMutation(req);
  if (refused) return refused;
  let request = req;
  if (req.body) {
    // Read here, up to the bound, and handed to tRPC as a finished body: tRPC would read a chunked
    // body to its end, however long, and Next sets no bound on a route handler's body.
    const body = await readCapped(req, MAX_BODY_BYTES);
    if (!body) return tooLarge(req.headers);
    request = new Request(req.url, { method: req.method, headers: req.headers, body, signal: req.signal });
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: ({ resHeaders }) => createContext(req.headers, resHeaders),
    // Answers are one user's data at one moment (a grid's register, a review, who is logged in): no
    // browser, proxy or CDN may keep one to answer another request.
    responseMeta: () => ({ headers: { "cache-control": "no-store" } }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") logError(`trpc ${path ?? "?"}`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
