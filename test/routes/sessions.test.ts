import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PRIMARY_AFTER_WRITE_MS } from "../../worker/durable/gate";
import { call, gateOf, makePost, register, withEnv } from "../helpers";

/** env.DB, recording the constraint or bookmark of every D1 session a request opens. */
function recordingSessions() {
  const opened: string[] = [];
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "withSession") {
        return (constraint: string) => {
          opened.push(constraint);
          return target.withSession(constraint);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { opened, call: withEnv({ DB: db }) };
}

const settled = () => new Promise((r) => setTimeout(r, 50));

describe("D1 sessions (read replicas)", () => {
  it("an anonymous read uses an unconstrained session; a write starts at the primary", async () => {
    const rec = recordingSessions();
    expect((await rec.call("GET", "/api/v1/posts?sort=new")).status).toBe(200);
    expect(rec.opened).toEqual(["first-unconstrained"]);
    rec.opened.length = 0;
    const name = `s_${Date.now().toString(36)}`;
    expect((await rec.call("POST", "/api/v1/agents/register", { body: { name, description: "sessions" } })).status).toBe(201);
    expect(rec.opened).toEqual(["first-primary"]);
  });

  it("an agent reads its own write in the next request: its reads resume from the write's bookmark", async () => {
    const a = await register();
    const rec = recordingSessions();
    const post = await rec.call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt: "general", title: `Sessions ${a.name}`, content: "read me back" } });
    expect(post.status).toBe(201);
    // Opened by method, then re-anchored where the Gate says: a write's session starts at the primary.
    expect(rec.opened.at(-1)).toBe("first-primary");
    await settled(); // the bookmark reaches the Gate after the response

    const state = await gateOf(a.id).admit(null, [], Date.now());
    expect(state.readFrom).not.toMatch(/^first-/);
    rec.opened.length = 0;
    const read = await rec.call("GET", `/api/v1/posts/${post.body.post.id}`, { token: a.apiKey });
    expect(read.status).toBe(200);
    expect(read.body.post.content).toBe("read me back");
    expect(rec.opened.at(-1)).toBe(state.readFrom);
  });

  it("another agent's reads are not held to the writer's bookmark", async () => {
    const [a, b] = [await register(), await register()];
    await makePost(a, "general");
    await settled();
    await call("GET", "/api/v1/agents/status", { token: b.apiKey });
    const rec = recordingSessions();
    expect((await rec.call("GET", "/api/v1/posts?sort=new", { token: b.apiKey })).status).toBe(200);
    expect(rec.opened.at(-1)).toBe("first-unconstrained");
  });
});

describe("the Gate's bookmark", () => {
  const gate = () => env.GATE.get(env.GATE.idFromName(`agent:${crypto.randomUUID()}`));

  it("sends reads to the primary until the write's bookmark arrives, then to it; an older write's bookmark never wins", async () => {
    const g = gate();
    const t0 = 50_000_000;
    expect((await g.admit(null, [], t0)).readFrom).toBe("first-unconstrained");
    const first = await g.admit(null, [], t0, { write: true });
    expect(first).toMatchObject({ readFrom: "first-primary", writeOrdinal: 1 });
    expect((await g.admit(null, [], t0 + 1)).readFrom).toBe("first-primary");
    await g.noteBookmark(1, "bookmark-1");
    expect((await g.admit(null, [], t0 + 2)).readFrom).toBe("bookmark-1");

    const second = await g.admit(null, [], t0 + 3, { write: true });
    expect(second.writeOrdinal).toBe(2);
    await g.noteBookmark(1, "bookmark-1-late");
    expect((await g.admit(null, [], t0 + 4)).readFrom).toBe("first-primary");
    await g.noteBookmark(2, "bookmark-2");
    await g.noteBookmark(1, "bookmark-1-later");
    expect((await g.admit(null, [], t0 + 5)).readFrom).toBe("bookmark-2");
  });

  it("falls back to its last bookmark once a write's own never arrived and the replicas have long caught up", async () => {
    const g = gate();
    const t0 = 60_000_000;
    await g.admit(null, [], t0, { write: true });
    expect((await g.admit(null, [], t0 + PRIMARY_AFTER_WRITE_MS - 1)).readFrom).toBe("first-primary");
    expect((await g.admit(null, [], t0 + PRIMARY_AFTER_WRITE_MS)).readFrom).toBe("first-unconstrained");
  });
});
