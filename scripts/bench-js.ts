/**
 * JavaScript each prerendered page loads, gzip, measured from the production build (`npm run build` first):
 *   npm run bench:js [-- --page field --page check]
 * Next 16 no longer prints first-load sizes; this reads the scripts a page's HTML references.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { emitFigures } from "./support/figures";

const { values } = parseArgs({ options: { page: { type: "string", multiple: true } } });
const pages = values.page?.length ? values.page : ["field", "field/room", "index", "login", "register"];

export function pageScripts(page: string): string[] {
  const html = fs.readFileSync(path.join(".next/server/app", `${page}.html`), "utf8");
  const sources = new Set<string>();
  for (const match of html.matchAll(/<script([^>]+)>/g)) {
    // Legacy polyfills (noModule) are never loaded by the browsers that run the app.
    if (/\bnoModule\b/i.test(match[1])) continue;
    const src = match[1].match(/src="([^"]+\.js)"/);
    if (src) sources.add(src[1]);
  }
  return [...sources];
}

function main() {
  const rows = pages.map((page) => {
    let raw = 0;
    let gzip = 0;
    for (const src of pageScripts(page)) {
      const file = fs.readFileSync(path.join(".next", src.replace(/^\/_next\//, "")));
      raw += file.length;
      gzip += gzipSync(file, { level: 9 }).length;
    }
    return { page: `/${page === "index" ? "" : page}`, scripts: pageScripts(page).length, raw, gzip };
  });
  console.log("page            scripts   raw KB   gzip KB");
  for (const row of rows) {
    console.log(
      `${row.page.padEnd(16)}${String(row.scripts).padStart(7)}${(row.raw / 1024).toFixed(1).padStart(9)}${(row.gzip / 1024).toFixed(1).padStart(10)}`,
    );
  }
  emitFigures(
    "js",
    rows.map((row) => ({
      figure: `JavaScript of ${row.page} (gzip)`,
      unit: "KB",
      measured: row.gzip / 1024,
    })),
  );
}

main();
