import { withSerwist } from "@serwist/turbopack";
import type { NextConfig } from "next";
import { version } from "./package.json";

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files relative to its own module URL; bundling breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "exceljs"],
  poweredByHeader: false,
  // Reported by each phone with its sync, so a supervisor sees which devices run an old app.
  env: { NEXT_PUBLIC_APP_VERSION: version },
};

export default withSerwist(nextConfig);
