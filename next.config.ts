import { withSerwist } from "@serwist/turbopack";
import type { NextConfig } from "next";
import { version } from "./package.json";

/**
 * The basemap's origin (NEXT_PUBLIC_TILE_URL, read at build time like the pages read it), for the
 * policy's img-src (Leaflet's tile <img>s) and connect-src ("下载离线地图" fetches the tiles). A `{s}`
 * subdomain becomes a `*.` wildcard over the labels after it. Unset or unreadable: no outside origin.
 */
function tileOrigin(): string | null {
  const url = process.env.NEXT_PUBLIC_TILE_URL;
  if (!url) return null;
  try {
    const parsed = new URL(url.replaceAll("{s}", "tile-subdomain").replace(/\{[a-z]+\}/g, "0"));
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
    const labels = parsed.hostname.split(".");
    const at = labels.findIndex((label) => label.includes("tile-subdomain"));
    const host = at < 0 ? parsed.hostname : ["*", ...labels.slice(at + 1)].join(".");
    return `${parsed.protocol}//${host}${parsed.port ? `:${parsed.port}` : ""}`;
  } catch {
    return null;
  }
}

const development = process.env.NODE_ENV !== "production";

/**
 * Content-Security-Policy. What the app needs, and no more:
 * - scripts from itself only. 'unsafe-inline' because Next's App Router writes its runtime and each
 *   page's data as inline <script>s in prerendered (static) HTML, where no per-request nonce can go;
 *   what the policy still refuses is every other origin's script, eval, plugins (object-src) and a
 *   <base> pointing elsewhere, which is what an injected tag would need to load more.
 * - styles inline too: React's style attributes and Leaflet's positioning.
 * - images: itself, blob: (the officer's photo previews, URL.createObjectURL), data: (Leaflet's CSS
 *   icons) and the basemap's tiles; connect-src: itself and the tiles.
 * - worker-src 'self': the Serwist service worker (/serwist/sw.js); manifest-src 'self'.
 * - frame-ancestors 'none': no other page may frame this one (clickjacking); form-action 'self'.
 * `next dev` adds eval (React's dev tools) and websockets (hot reload); `next build` never does.
 */
function contentSecurityPolicy(): string {
  const tiles = tileOrigin();
  const outside = tiles ? ` ${tiles}` : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' blob: data:${outside}`,
    "font-src 'self' data:",
    `connect-src 'self'${outside}${development ? " ws: wss:" : ""}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files relative to its own module URL; bundling breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "exceljs"],
  poweredByHeader: false,
  // Reported by each phone with its sync, so a supervisor sees which devices run an old app.
  env: { NEXT_PUBLIC_APP_VERSION: version },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: contentSecurityPolicy() },
          // For browsers that predate frame-ancestors.
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          // Another origin (a tile server, which may check it) learns the site, never a path or query.
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
      {
        // The visit slip's link carries the household's code in the query (/check?code=…), and the
        // page loads nothing from elsewhere: it sends no Referer at all.
        source: "/check",
        headers: [{ key: "Referrer-Policy", value: "no-referrer" }],
      },
    ];
  },
};

export default withSerwist(nextConfig);
