// npm run backup → npm run restore on a seeded local database (scripts/seed.mjs: agents, posts,
// comments, votes, near-duplicate signatures as blobs, audit rows), plus values that break naive
// dumps: quotes, newlines, backslashes, emoji, an integer past 2^53. Every table must come back
// identical, the keyword indexes must pass FTS5's integrity check and answer as before, and the
// scripts must refuse a damaged backup and a database that is not empty.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyOf, pageQuery, tableShape, type D1Access } from "../../scripts/lib/backup-format.mjs";
import { openD1 } from "../../scripts/lib/d1-access.mjs";
import { root } from "../../scripts/lib/dev-server.mjs";

let dir = "";
const at = (name: string) => path.join(dir, name);

function node(script: string, ...args: string[]) {
  return spawnSync(process.execPath, [path.join(root, "scripts", script), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } });
}

/** Every row of a table in key order, as the backup reads them. */
function rowsOf(d1: D1Access, table: string): string[] {
  const shape = tableShape(d1, table);
  const all: string[] = [];
  let after: unknown[] | null = null;
  for (;;) {
    const page = d1.rows(pageQuery(table, shape, after, 5000));
    all.push(...page);
    if (page.length < 5000) return all;
    after = keyOf(shape, JSON.parse(page.at(-1)!));
  }
}

const TRICKY = `it's "quoted"\nsecond line \\ backslash ✓ 🐚 ${"x".repeat(3000)}`;
let manifest: { tables: { name: string; rows: number }[]; migration: string };

beforeAll(() => {
  expect(spawnSync("sqlite3", ["-version"]).status, "the sqlite3 command is needed (apt-get install sqlite3; .ci/run installs it)").toBe(0);
  dir = mkdtempSync(path.join(tmpdir(), "tidepool-backup-"));
  const seeded = node("seed.mjs", "--posts", "300", "--persist-to", at("source"));
  expect(seeded.status, seeded.stderr).toBe(0);
  const source = openD1({ root, persistTo: at("source") });
  source.exec(
    `INSERT INTO server_state (key, value, updated_at) VALUES ('tricky', '${TRICKY.replaceAll("'", "''")}', 1);
     INSERT INTO daily_stats (day, agents, claimed, posts, comments, replied, duplicates, flagged) VALUES (9007199254740993, 1, 0, 0, 0, 0, 0, 0);
     UPDATE posts SET content = '${TRICKY.replaceAll("'", "''")}' WHERE rowid = (SELECT min(rowid) FROM posts);`,
  );
  const backup = node("backup.mjs", "--persist-to", at("source"), "--out", at("backup"));
  expect(backup.status, backup.stderr).toBe(0);
  manifest = JSON.parse(spawnSync("cat", [at("backup/manifest.json")], { encoding: "utf8" }).stdout);
  const restore = node("restore.mjs", at("backup"), "--persist-to", at("restored"));
  expect(restore.status, `${restore.stderr}\n${restore.stdout}`).toBe(0);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("backup and restore", () => {
  it("writes every base table but the FTS5 ones, with the schema's migration level", () => {
    const names = manifest.tables.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["agents", "posts", "comments", "votes", "audit_log", "near_signatures", "near_bands", "daily_stats"]));
    expect(names.some((n) => n.includes("_fts"))).toBe(false);
    expect(names).not.toContain("d1_migrations");
    expect(manifest.migration).toBe(readdirSync(path.join(root, "migrations")).filter((f) => f.endsWith(".sql")).sort().at(-1));
    expect(manifest.tables.find((t) => t.name === "posts")!.rows).toBe(300);
  });

  it("brings every table back identical, blobs, big integers and awkward text included", () => {
    const source = openD1({ root, persistTo: at("source") });
    const restored = openD1({ root, persistTo: at("restored") });
    // search_outbox gains the re-embedding queue (below); every other table is as it was.
    for (const { name } of manifest.tables.filter((t) => t.name !== "search_outbox")) expect(rowsOf(restored, name), name).toEqual(rowsOf(source, name));
    expect(restored.rows("SELECT json_quote(value) FROM server_state WHERE key = 'tricky'").map((l) => JSON.parse(l))).toEqual([TRICKY]);
    expect(restored.rows("SELECT CAST(day AS TEXT) FROM daily_stats WHERE day > 9007199254740991")).toEqual(["9007199254740993"]);
    const triggers = (d1: D1Access) => d1.rows("SELECT json_array(name, sql) FROM sqlite_master WHERE type = 'trigger' ORDER BY name");
    expect(triggers(restored)).toEqual(triggers(source));
  });

  it("queues every live post and comment for re-embedding, after the outbox rows it kept", () => {
    const source = openD1({ root, persistTo: at("source") });
    const restored = openD1({ root, persistTo: at("restored") });
    const kept = rowsOf(source, "search_outbox");
    const now = rowsOf(restored, "search_outbox");
    expect(now.slice(0, kept.length)).toEqual(kept);
    const live = Number(source.rows("SELECT (SELECT count(*) FROM posts WHERE is_deleted = 0) + (SELECT count(*) FROM comments WHERE is_deleted = 0)")[0]);
    expect(now.length - kept.length).toBe(live);
  });

  it("rebuilds the keyword indexes: FTS5's integrity check passes and searches answer as before", () => {
    const source = openD1({ root, persistTo: at("source") });
    const restored = openD1({ root, persistTo: at("restored") });
    restored.exec("INSERT INTO posts_fts(posts_fts) VALUES('integrity-check'); INSERT INTO comments_fts(comments_fts) VALUES('integrity-check');");
    const word = source.rows("SELECT json_quote(lower(substr(title, 1, instr(title || ' ', ' ') - 1))) FROM posts WHERE length(title) > 4 LIMIT 1").map((l) => JSON.parse(l))[0];
    const search = (d1: D1Access) => d1.rows(`SELECT rowid FROM posts_fts WHERE posts_fts MATCH '"${word}"' ORDER BY rowid`);
    expect(search(restored).length).toBeGreaterThan(0);
    expect(search(restored)).toEqual(search(source));
  });

  it("refuses a database that already holds a network, and a damaged backup, before writing anything", () => {
    const again = node("restore.mjs", at("backup"), "--persist-to", at("restored"));
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain("restore goes into an empty database");
    // --force replaces it: the same rows again, not twice.
    const before = openD1({ root, persistTo: at("restored") }).rows("SELECT count(*) FROM posts");
    const forced = node("restore.mjs", at("backup"), "--persist-to", at("restored"), "--force");
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/Replacing \d+ agents, \d+ posts, \d+ comments/);
    expect(openD1({ root, persistTo: at("restored") }).rows("SELECT count(*) FROM posts")).toEqual(before);

    const damaged = at("damaged");
    spawnSync("cp", ["-r", at("backup"), damaged]);
    writeFileSync(path.join(damaged, "posts.ndjson.gz"), "not gzip at all");
    const broken = node("restore.mjs", damaged, "--persist-to", at("fresh"));
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain("posts.ndjson.gz cannot be read");
    expect(broken.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    expect(readdirSync(dir)).not.toContain("fresh");

    const reuse = node("backup.mjs", "--persist-to", at("source"), "--out", at("backup"));
    expect(reuse.status).not.toBe(0);
    expect(reuse.stderr).toContain("is not empty");
  });
});
