import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { useFileDatabase } from "./postgres/file-database";

// Test files share a workerd process and its storage (isolate: false in vitest.config.ts: starting
// workerd and loading the Worker per file was half of the suite's time). Each file starts from what
// a fresh process would give it: an empty, migrated D1, empty KV and R2, and on PostgreSQL a
// database of its own. Durable Objects are named by agent ids and addresses that never repeat in a
// run (freshIp, uniqueName), so they need no clearing.

async function emptyD1(db: D1Database) {
  const { results } = await db
    .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND type IN ('table', 'view', 'trigger')")
    .all<{ type: string; name: string; sql: string | null }>();
  if (!results.length) return;
  // Triggers first (the audit log's refuse deletes), then views, then FTS5 tables (their shadow
  // tables go with them), then the rest; foreign keys are checked at the end, when nothing is left.
  const rank = (r: { type: string; sql: string | null }) => (r.type === "trigger" ? 0 : r.type === "view" ? 1 : /^CREATE VIRTUAL/i.test(r.sql ?? "") ? 2 : 3);
  const drops = results.sort((a, b) => rank(a) - rank(b)).map((r) => `DROP ${r.type.toUpperCase()} IF EXISTS "${r.name.replace(/"/g, '""')}"`);
  await db.batch(["PRAGMA defer_foreign_keys = on", ...drops].map((sql) => db.prepare(sql)));
}

async function emptyKv(kv: KVNamespace) {
  for (let cursor: string | undefined; ; ) {
    const page = await kv.list({ cursor });
    await Promise.all(page.keys.map((k) => kv.delete(k.name)));
    if (page.list_complete) return;
    cursor = page.cursor;
  }
}

async function emptyR2(bucket: R2Bucket) {
  for (let cursor: string | undefined; ; ) {
    const page = await bucket.list({ cursor });
    if (page.objects.length) await bucket.delete(page.objects.map((o) => o.key));
    if (!page.truncated) return;
    cursor = page.cursor;
  }
}

await Promise.all([emptyD1(env.DB), emptyKv(env.FILES), emptyR2(env.MEDIA)]);
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
if (env.STORAGE === "postgres") await useFileDatabase();
