import { defineConfig } from "drizzle-kit";

// Migrations are generated against PostgreSQL's dialect and applied by the app itself
// (db/migrate.ts) to PGlite or PostgreSQL alike, so no credentials are needed here.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
});
