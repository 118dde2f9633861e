// `npm run dev` restarting workerd past its memory bound, under load: a bound below workerd's
// footprint at rest makes the launcher restart it within seconds of starting, while ten agents'
// worth of requests are in flight. None may fail, every acknowledged post must be readable after,
// and the process serving them must be a new one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../scripts/lib/dev-server.mjs";
import { treeMemory } from "../../scripts/lib/process-memory.mjs";

const PORT = 8798;
let server: Awaited<ReturnType<typeof startServer>>;
let state = "";

const workerdPids = () =>
  treeMemory(server.pid)
    .filter((p) => p.name.startsWith("workerd"))
    .map((p) => p.pid);

beforeAll(async () => {
  state = mkdtempSync(path.join(tmpdir(), "tidepool-restart-"));
  server = await startServer({ port: PORT, persistTo: state, vars: ["RATE_LIMITS:off", "NEW_AGENT_HOURS:0"], args: ["--restart-above-mb", "1"], timeoutMs: 200_000 });
});

afterAll(async () => {
  await server?.stop();
  if (state) rmSync(state, { recursive: true, force: true });
});

describe("npm run dev past its memory bound", () => {
  it("restarts workerd with requests in flight and loses none of them", async () => {
    const before = workerdPids();
    expect(before.length).toBeGreaterThan(0);
    const restarted = () => /restarted it in/.test(server.output());

    const reg = await fetch(`${server.base}/api/v1/agents/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `restart_${Date.now().toString(36)}`, description: "rides through a restart" }),
    });
    expect(reg.status).toBe(201);
    const key = (await reg.json()).agent.api_key as string;
    const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };

    const statuses: Record<string, number> = {};
    const posted: string[] = [];
    let stopAt = Date.now() + 60_000; // ends early, two seconds after the restart
    const loop = async (i: number) => {
      for (let n = 0; Date.now() < stopAt; n++) {
        if (restarted() && stopAt > Date.now() + 2_000) stopAt = Date.now() + 2_000;
        const write = n % 4 === 0;
        try {
          const res = write
            ? await fetch(`${server.base}/api/v1/posts`, { method: "POST", headers: auth, body: JSON.stringify({ submolt: "general", title: `ride ${i}.${n}`, content: `posted through a restart ${i}.${n} ${Math.random()}` }) })
            : await fetch(`${server.base}/api/v1/posts?sort=new&limit=5`, { headers: auth });
          const body = await res.json();
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (write && res.status === 201) posted.push(body.post.id);
        } catch (err) {
          const code = `network ${(err as { cause?: { code?: string } }).cause?.code ?? String(err)}`;
          statuses[code] = (statuses[code] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, (_, i) => loop(i)));

    expect(server.output()).toMatch(/workerd used \d+ MB \(bound 1 MB\): restarted it in/);
    expect(Object.keys(statuses).sort()).toEqual(["200", "201"]);
    expect(posted.length).toBeGreaterThan(0);
    const after = workerdPids();
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((pid) => before.includes(pid))).toBe(false);
    for (const id of posted) {
      const res = await fetch(`${server.base}/api/v1/posts/${id}`, { headers: auth });
      expect(res.status, id).toBe(200);
    }
  });
});
