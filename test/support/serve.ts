import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

export type Handler = (req: Request) => Promise<Response>;

export interface Served {
  url: string;
  close(): Promise<void>;
}

/**
 * A real Node HTTP server on a loopback port that hands each request to route handlers the way
 * `next start` does: the parsed headers as they are (after Node's `http.server.request.start`
 * subscribers ran), the body streamed from the socket as it arrives (chunked or not, never read
 * ahead), the response streamed back. `route` picks the handler by path.
 */
export async function serve(
  route: (pathname: string, method: string) => Handler | undefined,
): Promise<Served> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
      const method = req.method ?? "GET";
      const handler = route(url.pathname, method);
      if (!handler) {
        res.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else if (value !== undefined) headers.set(name, value);
      }
      const hasBody = method !== "GET" && method !== "HEAD";
      const request = new Request(url, {
        method,
        headers,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
        // @ts-expect-error Node's fetch needs it for a streamed body; the DOM types do not know it.
        duplex: "half",
      });
      const response = await handler(request);
      const out: Record<string, string | string[]> = {};
      response.headers.forEach((value, name) => {
        if (name !== "set-cookie") out[name] = value;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) out["set-cookie"] = cookies;
      res.writeHead(response.status, out);
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      }
      res.end();
    } catch (error) {
      // The handlers answer every refusal themselves: reaching here is the bug the tests look for.
      console.error("[serve] handler threw:", error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
