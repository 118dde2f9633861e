// Search by meaning from a model server that speaks OpenAI's embeddings API, end to end: a small
// server of this test's own (a toy model that puts synonyms on one dimension) behind `npm run dev
// -- --var EMBEDDINGS_URL:…`, which asks it the model's dimension at start; posts are indexed
// through it and found by a word they do not contain. A model that does not fit the configured
// dimension, or the vectors the local index already holds, stops the start with both numbers.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, startServer } from "../../scripts/lib/dev-server.mjs";
import { freePorts } from "../postgres/cluster.ts";

const CONCEPTS: Record<string, number> = { ocean: 0, sea: 0, seas: 0, marine: 0, waves: 0, bread: 1, sourdough: 1, loaf: 1, baking: 1 };
const TOKEN = "embeddings-test-admin-token-0123456789abcdef";

/** A toy embedding model: each word on its concept's dimension, or a hashed one past the concepts. */
function toyModel(dimensions: number) {
  const asked: { model: string; texts: number }[] = [];
  const embed = (text: string) => {
    const v = new Array(dimensions).fill(0);
    for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
      const hashed = 2 + ([...word].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % (dimensions - 2));
      // A concept outweighs the words around it, as a real model ranks meaning over filler.
      const concept = Object.hasOwn(CONCEPTS, word) ? CONCEPTS[word]! : null;
      v[concept ?? hashed] += concept === null ? 1 : 4;
    }
    return v;
  };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const { model, input } = JSON.parse(body) as { model: string; input: string[] };
      asked.push({ model, texts: input.length });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ object: "list", model, data: input.map((t, index) => ({ object: "embedding", index, embedding: embed(t) })) }));
    });
  });
  return { server, asked };
}

const listen = (server: Server, port: number) => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

let scratch = "";
let servers: Server[] = [];
let modelPort = 0;
let otherModelPort = 0;
let appPort = 0;
const model16 = toyModel(16);
const model24 = toyModel(24);

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "tidepool-embeddings-"));
  [modelPort, otherModelPort, appPort] = await freePorts(3);
  await listen(model16.server, modelPort);
  await listen(model24.server, otherModelPort);
  servers = [model16.server, model24.server];
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const vars = (port: number, extra: string[] = []) => ["RATE_LIMITS:off", "NEW_AGENT_HOURS:0", `ADMIN_TOKEN:${TOKEN}`, `EMBEDDINGS_URL:http://127.0.0.1:${port}/v1`, "EMBEDDINGS_MODEL:toy-embed", ...extra];

describe("npm run dev with an OpenAI-compatible model server", () => {
  it("indexes through the model and finds a post by a word it does not contain", { timeout: 180_000 }, async () => {
    const state = path.join(scratch, "state");
    const app = await startServer({ port: appPort, persistTo: state, vars: vars(modelPort) });
    try {
      const api = async (method: string, route: string, body?: unknown, token?: string) => {
        const res = await fetch(`${app.base}/api/v1${route}`, { method, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as Record<string, any> };
      };
      expect(app.output()).toContain("Embeddings: toy-embed at http://127.0.0.1");
      const agent = await api("POST", "/agents/register", { name: `tide_${Date.now().toString(36)}` });
      const key = agent.body.agent.api_key as string;
      const post = await api("POST", "/posts", { submolt: "general", title: "The ocean was calm at dawn", content: "Not a ripple all morning." }, key);
      expect(post.status).toBe(201);
      const drained = await api("POST", "/admin/search/drain?batch=100", undefined, TOKEN);
      expect(drained.status).toBe(200);
      expect(drained.body.failed).toBe(0);
      expect(model16.asked.some((a) => a.model === "toy-embed" && a.texts >= 1)).toBe(true);

      const found = await api("GET", "/search?q=sea&type=posts");
      expect(found.status).toBe(200);
      expect(found.body.degraded).toBeUndefined();
      expect(found.body.results.map((r: { id: string }) => r.id)).toContain(post.body.post.id);

      const health = await api("GET", "/admin/health", undefined, TOKEN);
      expect(health.body.checks.embedder).toMatchObject({ ok: true, name: `toy-embed at http://127.0.0.1:${modelPort}/v1 (OpenAI-compatible)` });
    } finally {
      await app.stop();
    }
  });

  it("refuses to start with a model of another dimension than configured, or than the index holds", { timeout: 180_000 }, async () => {
    await expect(startServer({ port: appPort, persistTo: path.join(scratch, "other"), vars: vars(modelPort, ["EMBEDDINGS_DIMENSIONS:768"]), timeoutMs: 60_000 })).rejects.toThrow(
      "the embedding model toy-embed gives 16 dimensions but EMBEDDINGS_DIMENSIONS is 768",
    );
    // The first test's state holds 16-dimension vectors; a 24-dimension model would not fit them.
    await expect(startServer({ port: appPort, persistTo: path.join(scratch, "state"), vars: vars(otherModelPort), timeoutMs: 60_000 })).rejects.toThrow(
      "the embedding model toy-embed gives 24 dimensions but the local vector index holds 16-dimension vectors",
    );
    // Nor would the offline embedder's, back without EMBEDDINGS_URL.
    await expect(startServer({ port: appPort, persistTo: path.join(scratch, "state"), vars: ["RATE_LIMITS:off"], timeoutMs: 60_000 })).rejects.toThrow(
      "the offline embedder gives 1024 dimensions but the local vector index holds 16-dimension vectors",
    );
  });

  it("--fresh-index empties the index for another model, and search:reindex embeds everything with it", { timeout: 240_000 }, async () => {
    const state = path.join(scratch, "state");
    const app = await startServer({ port: appPort, persistTo: state, vars: vars(otherModelPort), args: ["--fresh-index"] });
    try {
      expect(app.output()).toMatch(/Emptied the local vector index \(1 vectors\)/);
      const askedBefore = model24.asked.length;
      // Not spawnSync: the model server answers from this process's event loop.
      const reindex = await promisify(execFile)(process.execPath, ["scripts/search-reindex.mjs", "--url", app.base], { cwd: root, env: { ...process.env, ADMIN_TOKEN: TOKEN } });
      expect(reindex.stdout).toMatch(/Queued 1 items[\s\S]*✓ done in [\d.]+s\n/);
      expect(model24.asked.length).toBeGreaterThan(askedBefore);
      const found = (await (await fetch(`${app.base}/api/v1/search?q=seas&type=posts`)).json()) as { degraded?: boolean; results: { title: string }[] };
      expect(found.degraded).toBeUndefined();
      expect(found.results.map((r) => r.title)).toContain("The ocean was calm at dawn");
    } finally {
      await app.stop();
    }
    // The index now holds the new model's vectors, so it starts without the flag.
    const again = await startServer({ port: appPort, persistTo: state, vars: vars(otherModelPort) });
    await again.stop();
  });
});
