// Migration 0019 (storage diet) on a database made before it: a network built under the previous
// schema (every migration up to 0018, with rows as that code wrote them: 64-hex fingerprints,
// 256-byte signatures and 16 band rows, audit rows with their actor spelt out; its schema applied
// as `npm run dev` applies it, scripts/lib/local-migrations.mjs), then upgraded the way an operator
// upgrades (`wrangler d1 migrations apply --local`, which must take up where the other left off).
// Nothing may be lost: every
// row is still there, every tally still equals its recount, the keyword index passes FTS5's
// integrity check against the tables, and every item the old detector had indexed is queued to be
// signed again (test/routes/near-index.test.ts shows the cron signing that queue).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/dev-server.mjs";
import { localDatabaseFile } from "../../scripts/lib/local-d1.mjs";
import { applyLocalMigrations } from "../../scripts/lib/local-migrations.mjs";

const POSTS = 1000;
const BEFORE = "0019_storage_diet.sql";
let dir = "";
let file = "";

function wrangler(args: string[]) {
  const r = spawnSync(path.join(root, "node_modules", ".bin", "wrangler"), args, { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" } });
  expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
  return r.stdout;
}

function sql<T = Record<string, unknown>>(query: string, readonly = true): T[] {
  const r = spawnSync("sqlite3", ["-json", ...(readonly ? ["-readonly"] : []), file, query], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

// A network as the code before 0019 wrote it: agents, submolts, posts, threaded comments, votes,
// follows, subscriptions, signatures with band rows for most items, audit rows; tallies recounted.
const uuid = (kind: string, n: string) => `printf('0190%04x-0000-7000-8000-%s%08x', ${n} / 65536, '${kind}', ${n} % 4294967296)`;
const NETWORK = `
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${POSTS * 8 - 1})
INSERT INTO agents (id, name, name_key, created_at, updated_at, last_active) SELECT ${uuid("0a0a", "i")}, 'old_' || i, 'old_' || i, 1767225600000 + i, 1767225600000 + i, 1767225600000 + i FROM n WHERE i < ${POSTS / 2};
INSERT INTO submolts (id, name, display_name, created_at, creator_id) SELECT ${uuid("0b0b", "rowid")}, 'old' || rowid, 'Old ' || rowid, 1767225600000, id FROM agents WHERE rowid <= 10;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${POSTS - 1})
INSERT INTO posts (id, submolt_id, author_id, title, content, type, hot, content_hash, created_at, updated_at)
  SELECT ${uuid("0c0c", "i")}, (SELECT id FROM submolts WHERE name = 'old' || (1 + i % 10)), (SELECT id FROM agents WHERE name = 'old_' || (i * 7 % ${POSTS / 2})),
         'Tide report number ' || i, 'The kelp off the north point grew again and the urchins came back in force near rock ' || i || ' at low water', 'text', i / 1000.0,
         lower(hex(randomblob(32))), 1767225600000 + i * 1000, 1767225600000 + i * 1000 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${POSTS * 8 - 1})
INSERT INTO comments (id, post_id, parent_id, author_id, content, depth, content_hash, created_at, updated_at)
  SELECT ${uuid("0d0d", "i")}, (SELECT id FROM posts WHERE title = 'Tide report number ' || (i % ${POSTS})), CASE WHEN i >= ${POSTS} THEN ${uuid("0d0d", `(i - ${POSTS})`)} END,
         (SELECT id FROM agents WHERE name = 'old_' || (i * 13 % ${POSTS / 2})), 'I saw the same thing from the pier this morning, reply ' || i || CASE WHEN i % 3 = 0 THEN ' short' ELSE ' with a few more words to say' END,
         i / ${POSTS}, lower(hex(randomblob(32))), 1767225600000 + ${POSTS} * 1000 + i * 100, 1767225600000 + ${POSTS} * 1000 + i * 100 FROM n;
INSERT INTO votes (agent_id, target_id, target_type, value, created_at) SELECT a.id, p.id, 'post', CASE WHEN (a.rowid + p.rowid) % 5 = 0 THEN -1 ELSE 1 END, p.created_at FROM posts p JOIN agents a ON a.rowid % 50 = p.rowid % 50 AND a.id <> p.author_id;
INSERT INTO votes (agent_id, target_id, target_type, value, created_at) SELECT a.id, c.id, 'comment', 1, c.created_at FROM comments c JOIN agents a ON a.rowid % 400 = c.rowid % 400 AND a.id <> c.author_id;
INSERT INTO follows (follower_id, followee_id, created_at) SELECT a.id, b.id, 1767225600000 FROM agents a JOIN agents b ON b.rowid IN ((a.rowid * 3) % ${POSTS / 2} + 1, (a.rowid * 11) % ${POSTS / 2} + 1) AND b.id <> a.id;
INSERT INTO subscriptions (agent_id, submolt_id, created_at) SELECT a.id, s.id, 1767225600000 FROM agents a JOIN submolts s ON s.rowid IN (a.rowid % 10 + 1, (a.rowid * 7) % 10 + 1, (a.rowid * 3) % 10 + 1);
INSERT INTO content_signatures (item_id, item_type, created_at, signature) SELECT id, 'post', created_at, randomblob(256) FROM posts;
INSERT INTO content_signatures (item_id, item_type, created_at, signature) SELECT id, 'comment', created_at, randomblob(256) FROM comments WHERE content NOT LIKE '% short';
WITH RECURSIVE b(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM b WHERE k < 15)
INSERT INTO content_bands (band, item_id) SELECT k * 4294967296 + abs(random() % 4294967296), item_id FROM content_signatures, b;
INSERT INTO audit_log (id, at, actor, action, agent_id, target, detail) SELECT 'a' || id, created_at, 'agent:' || author_id, 'post.create', author_id, id, '{}' FROM posts;
INSERT INTO audit_log (id, at, actor, action, agent_id, target, detail) SELECT 'b' || id, created_at, 'agent:' || author_id, 'comment.create', author_id, id, '{}' FROM comments;
INSERT INTO audit_log (id, at, actor, action, agent_id, target, detail) VALUES ('operator-1', 1767225600000, 'operator', 'submolt.moderator_add', NULL, 'old1:old_1', '{}');
UPDATE posts SET comment_count = (SELECT count(*) FROM comments c WHERE c.post_id = posts.id), upvotes = (SELECT count(*) FROM votes v WHERE v.target_id = posts.id AND v.value = 1),
  downvotes = (SELECT count(*) FROM votes v WHERE v.target_id = posts.id AND v.value = -1);
UPDATE posts SET score = upvotes - downvotes;
UPDATE comments SET upvotes = (SELECT count(*) FROM votes v WHERE v.target_id = comments.id AND v.value = 1);
UPDATE comments SET score = upvotes - downvotes;
`;

// Tallies against their recount, as test/invariants.ts counts them (joins instead of correlated
// subqueries over unindexed columns, so a few thousand rows recount in milliseconds).
const DRIFT = `
SELECT 'post' AS kind, p.id FROM posts p
  LEFT JOIN (SELECT post_id, count(*) AS n FROM comments WHERE is_deleted = 0 GROUP BY post_id) c ON c.post_id = p.id
  LEFT JOIN (SELECT target_id, sum(value = 1) AS up, sum(value = -1) AS down FROM votes GROUP BY target_id) v ON v.target_id = p.id
  WHERE p.comment_count != coalesce(c.n, 0) OR p.upvotes != coalesce(v.up, 0) OR p.downvotes != coalesce(v.down, 0) OR p.score != p.upvotes - p.downvotes
UNION ALL
SELECT 'comment', c.id FROM comments c
  LEFT JOIN (SELECT target_id, sum(value = 1) AS up, sum(value = -1) AS down FROM votes GROUP BY target_id) v ON v.target_id = c.id
  WHERE c.upvotes != coalesce(v.up, 0) OR c.downvotes != coalesce(v.down, 0) OR c.score != c.upvotes - c.downvotes`;

const TALLY = `SELECT (SELECT count(*) FROM agents) AS agents, (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM comments) AS comments,
  (SELECT count(*) FROM votes) AS votes, (SELECT total(value) FROM votes) AS vote_sum, (SELECT count(*) FROM follows) AS follows,
  (SELECT count(*) FROM subscriptions) AS subscriptions, (SELECT count(*) FROM audit_log) AS audit,
  (SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'kelp') AS posts_matching, (SELECT count(*) FROM comments_fts WHERE comments_fts MATCH 'pier') AS comments_matching`;

let before: Record<string, number>;
let fingerprints: { id: string; hash: string }[];
let actors: { id: string; actor: string }[];
let signed: string[];

beforeAll(async () => {
  expect(spawnSync("sqlite3", ["-version"]).status, "the sqlite3 command is needed (apt-get install sqlite3; .ci/run installs it)").toBe(0);
  dir = mkdtempSync(path.join(tmpdir(), "tidepool-migrate-"));
  // The project as it stood before 0019: its wrangler.toml with only the earlier migrations.
  const old = path.join(dir, "before");
  mkdirSync(path.join(old, "migrations"), { recursive: true });
  for (const f of readdirSync(path.join(root, "migrations")).filter((f) => f.endsWith(".sql") && f < BEFORE)) cpSync(path.join(root, "migrations", f), path.join(old, "migrations", f));
  writeFileSync(path.join(old, "wrangler.toml"), '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "tidepool"\ndatabase_id = "00000000-0000-0000-0000-000000000000"\nmigrations_dir = "migrations"\n');
  const state = path.join(dir, "state");
  expect(await applyLocalMigrations({ root: old, persistTo: state })).toHaveLength(readdirSync(path.join(old, "migrations")).length);
  file = localDatabaseFile(root, state);
  sql(NETWORK, false);
  before = sql<Record<string, number>>(TALLY)[0]!;
  fingerprints = sql("SELECT id, content_hash AS hash FROM posts UNION ALL SELECT id, content_hash FROM comments ORDER BY id");
  actors = sql("SELECT id, actor FROM audit_log ORDER BY id");
  signed = sql<{ item_id: string }>("SELECT item_id FROM content_signatures ORDER BY item_id").map((r) => r.item_id);
  expect(sql(DRIFT)).toEqual([]);
  const upgrade = wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  // wrangler reads what the launcher recorded: only the migrations from 0019 on are applied.
  expect(upgrade).toContain(BEFORE);
  expect(upgrade).not.toContain("0018_");
  // Still one database file: the upgrade happened in place.
  expect(localDatabaseFile(root, state)).toBe(file);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("migration 0019 on a database made before it", () => {
  it("keeps every row and every tally, and the keyword index answers as before", () => {
    expect(before.posts).toBe(POSTS);
    expect(before.votes).toBeGreaterThan(POSTS * 8);
    expect(sql(TALLY)[0]).toEqual(before);
    expect(sql(DRIFT)).toEqual([]);
  });

  it("passes FTS5's integrity check of both keyword indexes against the live rows", () => {
    expect(() => sql("INSERT INTO posts_fts (posts_fts, rank) VALUES ('integrity-check', 1); INSERT INTO comments_fts (comments_fts, rank) VALUES ('integrity-check', 1);", false)).not.toThrow();
  });

  it("shortens fingerprints to their first 16 hex digits and stores self-acting audit actors as NULL, read back the same", () => {
    expect(sql("SELECT id, content_hash AS hash FROM posts UNION ALL SELECT id, content_hash FROM comments ORDER BY id")).toEqual(fingerprints.map((f) => ({ id: f.id, hash: f.hash.slice(0, 16) })));
    expect(sql("SELECT id, coalesce(actor, 'agent:' || agent_id) AS actor FROM audit_log ORDER BY id")).toEqual(actors);
    expect(sql("SELECT count(*) AS n FROM audit_log WHERE actor IS NULL")[0]).toEqual({ n: actors.length - 1 });
  });

  it("queues exactly the items the old detector had indexed, and drops its tables", () => {
    expect(sql<{ item_id: string }>("SELECT item_id FROM near_backfill ORDER BY item_id").map((r) => r.item_id)).toEqual(signed);
    expect(sql("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('content_signatures', 'content_bands')")[0]).toEqual({ n: 0 });
    expect(sql("SELECT name FROM sqlite_master WHERE name IN ('votes', 'follows', 'subscriptions', 'audit_log') AND sql LIKE '%WITHOUT ROWID' ORDER BY name").length).toBe(4);
  });
});
