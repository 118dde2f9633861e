// Storage per post as a seeded network measures it, and the seed's derived rows against the Worker's
// own functions: a change that makes each post cost more than 10% more bytes fails here, and so does
// a seed that stops writing what the API writes (its figure would then be too good to be true).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capacity } from "../../bench/lib/capacity.mjs";
import { root } from "../../scripts/lib/dev-server.mjs";
import { localDatabaseFile } from "../../scripts/lib/local-d1.mjs";
import { importWorkerModules } from "../../scripts/lib/worker-modules.mjs";

const baseline = JSON.parse(readFileSync(path.join(root, "bench", "storage-baseline.json"), "utf8")) as { posts: number; seed: number; bytesPerPost: number };
let dir = "";
let file = "";

function sql<T = Record<string, unknown>>(query: string): T[] {
  const r = spawnSync("sqlite3", ["-json", "-readonly", file, query], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

beforeAll(() => {
  expect(spawnSync("sqlite3", ["-version"]).status, "the sqlite3 command is needed (apt-get install sqlite3; .ci/run installs it)").toBe(0);
  dir = mkdtempSync(path.join(tmpdir(), "tidepool-storage-"));
  const seeded = spawnSync(process.execPath, ["scripts/seed.mjs", "--posts", String(baseline.posts), "--seed", String(baseline.seed), "--persist-to", dir], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } });
  expect(seeded.status, seeded.stderr).toBe(0);
  file = localDatabaseFile(root, dir);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("storage per post", () => {
  it(`stays within 10% of the committed ${baseline.bytesPerPost} bytes per post at ${baseline.posts} posts`, () => {
    const cap = capacity(root, dir)!;
    expect(cap.rows.posts).toBe(baseline.posts);
    expect(cap.perPost).toBeLessThanOrEqual(baseline.bytesPerPost * 1.1);
  });
});

describe("the seed writes what the API writes", () => {
  it("fingerprints, near-duplicate signatures and band keys equal the Worker's, for every post and a sample of comments", async () => {
    const w = await importWorkerModules("worker/domain/minhash.ts", "worker/domain/fingerprint.ts", "worker/services/near-duplicates.ts", "worker/lib/encoding.ts");
    const items = [
      ...sql<{ id: string; title: string; content: string; hash: string }>("SELECT id, title, content, content_hash AS hash FROM posts ORDER BY rowid LIMIT 300").map((r) => ({ ...r, type: "post" })),
      ...sql<{ id: string; content: string; hash: string }>("SELECT id, content, content_hash AS hash FROM comments ORDER BY random() LIMIT 300").map((r) => ({ ...r, title: null, type: "comment" })),
    ];
    const ids = items.map((i) => `X'${i.id.replace(/-/g, "")}'`).join(",");
    const sigs = new Map(sql<{ item: string; id: number; signature: string; type: number }>(`SELECT lower(hex(item_id)) AS item, id, lower(hex(signature)) AS signature, item_type AS type FROM near_signatures WHERE item_id IN (${ids})`).map((r) => [r.item, r]));
    const bands = sql<{ key: number; signature_id: number }>(`SELECT key, signature_id FROM near_bands WHERE signature_id IN (${[...sigs.values()].map((s) => s.id).join(",") || "0"})`);
    let signed = 0;
    for (const item of items) {
      expect(item.hash).toBe(item.type === "post" ? await w.fingerprint(item.title, item.content) : await w.fingerprint(item.content));
      const expected: Uint8Array | null = w.signature(w.comparedText(item.type, item));
      const stored = sigs.get(item.id.replace(/-/g, ""));
      if (!expected) {
        expect(stored).toBeUndefined();
        continue;
      }
      signed++;
      expect(stored?.signature).toBe(w.toHex(expected));
      expect(stored?.type).toBe(w.itemTypeCode(item.type));
      expect(bands.filter((b) => b.signature_id === stored!.id).map((b) => b.key).sort()).toEqual([...w.bandKeys(item.type, expected)].sort());
    }
    expect(signed).toBeGreaterThan(500);
  });

  it("one API key and claim hashes per agent, one audit row per registration, submolt, post and comment, signature ids in time order", () => {
    const [n] = sql<Record<string, number>>(
      `SELECT (SELECT count(*) FROM agents) AS agents, (SELECT count(*) FROM api_keys) AS keys, (SELECT count(*) FROM agents WHERE claim_token_hash IS NULL OR verification_code_hash IS NULL) AS unhashed,
              (SELECT count(*) FROM submolts WHERE creator_id IS NOT NULL AND name LIKE 'seed%') AS submolts, (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM comments) AS comments,
              (SELECT count(*) FROM audit_log WHERE action = 'agent.register') AS registered, (SELECT count(*) FROM audit_log WHERE action = 'submolt.create') AS created,
              (SELECT count(*) FROM audit_log WHERE action = 'post.create') AS posted, (SELECT count(*) FROM audit_log WHERE action = 'comment.create') AS commented,
              (SELECT count(*) FROM near_signatures a JOIN near_signatures b ON b.id = a.id + 1 WHERE b.created_at < a.created_at) AS out_of_order`,
    );
    expect(n).toMatchObject({ keys: n!.agents, unhashed: 0, registered: n!.agents, created: n!.submolts, posted: n!.posts, commented: n!.comments, out_of_order: 0 });
  });
});
