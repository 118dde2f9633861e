// Each test file of the PostgreSQL project runs on a database of its own, copied from the template
// the global setup migrated (CREATE DATABASE … TEMPLATE: milliseconds), so files run in parallel and
// a suite that compares the API with the whole network sees only its own writes.
import { env } from "cloudflare:workers";
import { afterAll } from "vitest";
import { PgConnection } from "../../worker/store/pg/client";

/** Points this file's HYPERDRIVE binding at a fresh copy of the template; dropped after the file. */
export async function useFileDatabase(): Promise<void> {
  // The binding points at the template (vitest.config.ts); this file's copy takes its place.
  const template = new URL((env.HYPERDRIVE as Hyperdrive).connectionString);
  const templateName = decodeURIComponent(template.pathname.slice(1));
  const name = `tidepool_file_${crypto.randomUUID().replace(/-/g, "")}`;
  const admin = new URL(template);
  admin.pathname = "/postgres";
  await onAdmin(admin.href, async (sql) => {
    // PostgreSQL refuses a copy while any session is on the template; none should be (nothing but
    // this command names it), so a refusal is waited out briefly, then reported.
    for (let attempt = 0; ; attempt++) {
      try {
        await sql.unsafe(`CREATE DATABASE ${name} TEMPLATE "${templateName}"`);
        return;
      } catch (err) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
      }
    }
  });
  const url = new URL(template);
  url.pathname = `/${name}`;
  const original = env.HYPERDRIVE as Hyperdrive;
  // The Worker reads only connectionString; the rest is the binding's shape for anything that looks.
  Object.assign(env, { HYPERDRIVE: { ...pick(original), database: name, connectionString: url.href } });
  afterAll(async () => {
    Object.assign(env, { HYPERDRIVE: original });
    await onAdmin(admin.href, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
}

function pick(h: Hyperdrive) {
  return { host: h.host, port: h.port, user: h.user, password: h.password, database: h.database, connect: h.connect.bind(h) };
}

async function onAdmin(url: string, work: (sql: PgConnection["sql"]) => Promise<unknown>) {
  const connection = new PgConnection(url);
  try {
    await work(connection.sql);
  } finally {
    await connection.end();
  }
}
