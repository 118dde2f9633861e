import { defineConfig } from "drizzle-kit";

// The PostgreSQL tier (STORAGE=postgres): tables derived from schema/ (schema/postgres/derive.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./schema/postgres/index.ts",
  out: "./migrations/postgres",
});
