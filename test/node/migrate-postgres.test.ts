// npm run migrate:to-postgres on a seeded network (scripts/seed.mjs): every table arrives
// with equal rows and digests, an interrupted copy resumes where its last chunk committed, a changed
// row fails the verification, and the same API served from each store answers every tally, listing,
// thread and search alike.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, startServer } from "../../scripts/lib/dev-server.mjs";
import { clusterDir, ensureCluster, postgresAvailable, stopCluster } from "../../scripts/lib/pg-cluster.mjs";
import { freePort } from "../postgres/cluster.ts";

// Large enough that subscriptions span two chunks (an interruption can fall inside a table) and listings
// have second pages; the copy's speed at size is the benchmark's business (BENCHMARKS.md).
const POSTS = 2500;
const runs = postgresAvailable() || !!process.env.CI;
if (!runs) console.warn("! PostgreSQL server binaries not found: the migration round trip is skipped (apt-get install postgresql)");

let dir = "";
let url = "";
let pg: postgres.Sql;
type Server = Awaited<ReturnType<typeof startServer>>;
let d1Server: Server | undefined;
let pgServer: Server | undefined;

const migrate = (...extra: string[]) =>
  spawnSync(process.execPath, [path.join(root, "scripts", "migrate-to-postgres.mjs"), "--from", path.join(dir, "state"), "--to", url, ...extra], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });

beforeAll(async () => {
  if (!runs) return;
  dir = mkdtempSync(path.join(tmpdir(), "tidepool-migrate-"));
  const seeded = spawnSync(process.execPath, [path.join(root, "scripts", "seed.mjs"), "--posts", String(POSTS), "--persist-to", path.join(dir, "state")], { cwd: root, encoding: "utf8" });
  expect(seeded.status, seeded.stderr).toBe(0);
  url = await ensureCluster({ dir: path.join(dir, "pg"), port: await freePort() });
  pg = postgres(url, { max: 1, onnotice: () => {} });
}, 300_000);

afterAll(async () => {
  await Promise.all([d1Server?.stop(), pgServer?.stop()]);
  await pg?.end();
  if (dir) {
    stopCluster(path.join(dir, "pg"));
    rmSync(clusterDir(path.join(dir, "pg")), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe.skipIf(!runs)("npm run migrate:to-postgres", () => {
  it("copies and verifies every table, resumes an interrupted copy, and refuses a row that differs", { timeout: 600_000 }, async () => {
    const first = migrate("--chunk", "5000");
    expect(first.status, `${first.stderr}\n${first.stdout}`).toBe(0);
    expect(first.stdout).toMatch(/✓ \d+ tables moved and verified/);
    expect(first.stdout).toContain("✓ every counter equals a recount");
    expect(first.stdout).toMatch(new RegExp(`✓ posts\\s+${POSTS} rows`));

    // An interruption mid-table (subscriptions: a composite key and a secondary index): the progress
    // says 4,000 were committed, and only those are there, with the table's secondary indexes set
    // aside (their definitions in the progress row).
    const [kept] = await pg`SELECT agent_id, submolt_id FROM subscriptions ORDER BY agent_id, submolt_id OFFSET 3999 LIMIT 1`;
    await pg`DELETE FROM subscriptions WHERE (agent_id, submolt_id) > (${kept!.agent_id}, ${kept!.submolt_id})`;
    const indexes = async () => (await pg`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'subscriptions' ORDER BY indexname`).map((r) => `${r.indexname}: ${r.indexdef}`);
    const before = await indexes();
    const setAside = await pg`SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'subscriptions' AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'subscriptions'::regclass)`;
    expect(setAside.length).toBeGreaterThan(0);
    for (const { name } of setAside) await pg.unsafe(`DROP INDEX "${name}"`);
    await pg`UPDATE tidepool_migration_progress SET after = ${JSON.stringify([kept!.agent_id, kept!.submolt_id])}, copied = 4000, finished = false, indexes = ${JSON.stringify(setAside)} WHERE table_name = 'subscriptions'`;
    const resumed = migrate("--chunk", "5000");
    expect(resumed.status, `${resumed.stderr}\n${resumed.stdout}`).toBe(0);
    expect(resumed.stdout).toContain("posts: already copied");
    expect(resumed.stdout).toMatch(/✓ subscriptions\s+\d+ rows/);
    expect(Number(/✓ subscriptions\s+(\d+) rows/.exec(resumed.stdout)![1])).toBeGreaterThan(4000);
    expect(await indexes()).toEqual(before);
    expect((await pg`SELECT indexes FROM tidepool_migration_progress WHERE table_name = 'subscriptions'`)[0]!.indexes).toBeNull();

    // A row that differs from D1's fails its table's digest, and the run says not to switch.
    await pg`UPDATE posts SET title = title || '!' WHERE id = (SELECT min(id) FROM posts)`;
    const tampered = migrate();
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toMatch(/✗ posts/);
    expect(tampered.stderr).toContain("do not switch STORAGE yet");
    await pg`UPDATE posts SET title = left(title, length(title) - 1) WHERE id = (SELECT min(id) FROM posts)`;
  });

  it("serves the same answers from both stores", { timeout: 600_000 }, async () => {
    const [d1Port, pgPort] = [await freePort(), await freePort()];
    const vars = ["RATE_LIMITS:off"];
    [d1Server, pgServer] = await Promise.all([
      startServer({ port: d1Port, persistTo: path.join(dir, "state"), vars }),
      startServer({ port: pgPort, persistTo: path.join(dir, "pg-state"), vars, args: ["--storage", "postgres"], env: { DATABASE_URL: url } }),
    ]);
    const both = async (route: string) => {
      const [a, b] = await Promise.all([d1Server!, pgServer!].map(async (s) => {
        const res = await fetch(`${s.base}${route}`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      }));
      expect(b, `${route} on PostgreSQL`).toEqual(a);
      expect(a!.status, route).toBe(200);
      return a!.body;
    };
    const stats = await both("/api/v1/stats");
    expect(stats.posts).toBe(POSTS);
    for (const sort of ["hot", "new", "top"]) {
      const page = await both(`/api/v1/posts?sort=${sort}&limit=25`);
      if (page.next_cursor) await both(`/api/v1/posts?sort=${sort}&limit=25&cursor=${encodeURIComponent(String(page.next_cursor))}`);
    }
    await both("/api/v1/posts?sort=top&t=month&limit=25");
    const submolts = (await both("/api/v1/submolts?sort=popular&limit=50")).submolts as { name: string }[];
    for (const s of submolts.slice(0, 3)) {
      await both(`/api/v1/submolts/${s.name}`);
      await both(`/api/v1/submolts/${s.name}/feed?sort=new&limit=25`);
    }
    const [top] = (await both("/api/v1/posts?sort=top&limit=1")).posts as { id: string; title: string; author: { name: string } }[];
    await both(`/api/v1/posts/${top!.id}`);
    for (const sort of ["best", "new", "controversial"]) await both(`/api/v1/posts/${top!.id}/comments?sort=${sort}&limit=50`);
    await both(`/api/v1/agents/profile?name=${top!.author.name}`);
    await both(`/api/v1/search?q=${encodeURIComponent(top!.author.name.slice(0, 4))}&type=agents`);
    await both(`/api/v1/search?q=${encodeURIComponent(submolts[0]!.name.slice(0, 3))}&type=submolts`);
    // Keyword ranking differs by design (BM25 on D1, ts_rank on PostgreSQL): both must find the newest post
    // (inside either ranker's window of newest matches) by its title.
    const [newest] = (await both("/api/v1/posts?sort=new&limit=1")).posts as { id: string; title: string }[];
    for (const s of [d1Server!, pgServer!]) {
      const found = (await (await fetch(`${s.base}/api/v1/search?q=${encodeURIComponent(newest!.title)}&type=posts&limit=50`)).json()) as { results: { id: string }[] };
      expect(found.results.map((r) => r.id), s.base).toContain(newest!.id);
    }
  });
});
