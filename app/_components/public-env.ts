// Every NEXT_PUBLIC_* variable the app reads, here and nowhere else (README lists them). Next writes a
// variable's build-time value into the browser's JavaScript only where the code says
// `process.env.NEXT_PUBLIC_NAME` literally, so each read below is written out: no destructuring, no
// `process.env[name]`, no helper that takes the name. The reads sit in functions so that a bundle made
// without Next (the tests' esbuild harness) does not touch `process` when it loads.

/** The build's version (package.json, through next.config.ts's `env`); each phone reports it with its sync. */
export function appVersion(): string {
  return process.env.NEXT_PUBLIC_APP_VERSION ?? "dev";
}

/** The public address residents reach /check at, when officers use another one; unset: the page's own. */
export function publicUrl(): string | undefined {
  return process.env.NEXT_PUBLIC_PUBLIC_URL || undefined;
}

/** The optional basemap's settings as written; `basemap()` (./basemap) makes sense of them. */
export function tileSettings() {
  return {
    url: process.env.NEXT_PUBLIC_TILE_URL,
    attribution: process.env.NEXT_PUBLIC_TILE_ATTRIBUTION,
    subdomains: process.env.NEXT_PUBLIC_TILE_SUBDOMAINS,
    crs: process.env.NEXT_PUBLIC_TILE_CRS,
  };
}
