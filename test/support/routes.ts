import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export type RouteHandler = (
  req: Request,
  ctx: { params: Promise<Record<string, string>> },
) => Promise<Response>;

const ROUTES_DIR = path.resolve(__dirname, "../../app/api");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Every exported handler under app/api, as "METHOD dir" (dir relative to app/api, e.g. "GET
 * photos/[sha256]"), read from the file system so a new route is found without being named.
 */
export function routeHandlers(): Map<string, () => Promise<RouteHandler>> {
  const out = new Map<string, () => Promise<RouteHandler>>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const rel = path.relative(ROUTES_DIR, dir).split(path.sep).join("/");
        const source = fs.readFileSync(full, "utf8");
        // Exported as `export async function GET`, `export const GET =` or `export { h as GET }`.
        for (const method of METHODS) {
          if (new RegExp(`export (async function|const) ${method}\\b|as ${method}\\b`).test(source))
            out.set(`${method} ${rel}`, async () => (await import(/* @vite-ignore */ full))[method]);
        }
      }
    }
  };
  walk(ROUTES_DIR);
  return out;
}

/** The origin route tests call, and the headers of a same-origin request from it. */
export const BASE = "http://localhost:3000";
export const SAME_ORIGIN = { host: "localhost:3000", origin: BASE, "sec-fetch-site": "same-origin" };

/** A fresh "JPEG": only the magic bytes are checked, the rest is random so every call differs. */
export function jpeg(size = 2048): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(randomBytes(size));
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  bytes.set([0xff, 0xd9], size - 2);
  return bytes;
}
