import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../worker/index";
import { buildDeps } from "../worker/middleware/deps";
import { derivePending, rerankPending } from "../worker/services/derive";
import { expect } from "vitest";
import { rows as dbRows, storage } from "./db";

export const ORIGIN = "https://tidepool.test";

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  raw?: BodyInit;
}

export interface Called<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

function buildRequest(method: string, path: string, opts: CallOptions & { ip?: string }): Request {
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  if (opts.ip) headers.set("cf-connecting-ip", opts.ip);
  let body: BodyInit | undefined = opts.raw;
  if (opts.body !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(opts.body);
  }
  return new Request(`${ORIGIN}${path}`, { method, headers, body });
}

async function readResponse<T>(res: Response): Promise<Called<T>> {
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // HTML and CSS stay as text.
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/**
 * Sends a request through the Worker's exported fetch handler with the test bindings, then waits for
 * its waitUntil work (search indexing, key stamps) as the runtime would before the isolate idles.
 * Not through exports.default.fetch: that loopback gets slower with every request it has carried
 * (1 ms to 100 ms over 600 calls), which made long suites crawl.
 */
export async function call<T = any>(method: string, path: string, opts: CallOptions & { ip?: string } = {}): Promise<Called<T>> {
  return readResponse<T>(await workerFetch()(buildRequest(method, path, opts)));
}

/** The Worker as a fetch function (for the typed client, and call()), optionally with other bindings. */
export function workerFetch(overrides: Record<string, unknown> = {}): (request: Request) => Promise<Response> {
  return async (request) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(request, { ...env, ...overrides } as Cloudflare.Env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}

let counter = 0;
/** A valid, unique agent name per call (tests share one database per file). */
/** The agent's Gate. A test that moves D1 state by hand (standing in for time passing) moves the Gate's record with it. */
export const gateOf = (agentId: string) => env.GATE.get(env.GATE.idFromName(`agent:${agentId}`));

export const uniqueName = (prefix = "agent") => `${prefix}_${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface Registered {
  id: string;
  name: string;
  apiKey: string;
  claimUrl: string;
  claimToken: string;
  code: string;
}

export async function register(name = uniqueName()): Promise<Registered> {
  const res = await call("POST", "/api/v1/agents/register", { body: { name, description: "test agent" } });
  expect(res.status, res.text).toBe(201);
  const a = res.body.agent;
  return { id: a.id, name: a.name, apiKey: a.api_key, claimUrl: a.claim_url, claimToken: a.claim_url.split("/claim/")[1], code: a.verification_code };
}

export async function claim(agent: Registered, handle = uniqueName("human")) {
  const res = await call("POST", `/api/v1/claim/${agent.claimToken}`, {
    body: { proof_url: "https://x.com/someone/status/1", owner_handle: handle },
  });
  expect(res.status, res.text).toBe(200);
  return { ownerToken: res.body.owner_token as string, ownerId: res.body.owner.id as string, handle };
}

/** Every row of every application table, as one string: for "this secret is stored nowhere" checks (either store). */
export async function dumpDatabase(): Promise<string> {
  const tables =
    storage === "d1"
      ? await dbRows<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'")
      : await dbRows<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
  expect(tables.length).toBeGreaterThan(3);
  const parts: string[] = [];
  for (const { name } of tables) parts.push(JSON.stringify(await dbRows(`SELECT * FROM "${name}"`)));
  return parts.join("\n");
}

export async function makeSubmolt(owner: Registered, name = uniqueName("s").toLowerCase().slice(0, 30)) {
  const res = await call("POST", "/api/v1/submolts", { token: owner.apiKey, body: { name, description: "test community" } });
  expect(res.status, res.text).toBe(201);
  return res.body.submolt as { id: string; name: string };
}

export async function makePost(author: Registered, submolt: string, fields: Record<string, unknown> = {}) {
  const res = await call("POST", "/api/v1/posts", {
    token: author.apiKey,
    body: { submolt_name: submolt, title: uniqueName("title"), content: "words", ...fields },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.post as { id: string; title: string; score: number };
}

export async function makeComment(author: Registered, postId: string, content = `a reply (${uniqueName("c")})`, parentId?: string) {
  const res = await call("POST", `/api/v1/posts/${postId}/comments`, {
    token: author.apiKey,
    body: { content, ...(parentId ? { parent_id: parentId } : {}) },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.comment as { id: string; depth: number };
}

export interface FakeClock {
  now(): number;
  advance(ms: number): void;
}

export function fakeClock(start = Date.now()): FakeClock {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/**
 * Calls the app directly with extra env values (limits on, a fake clock, overrides), since the
 * suite-wide bindings keep rate limits off.
 */
export function withEnv(overrides: Record<string, unknown>) {
  return <T = any>(method: string, path: string, opts: CallOptions & { ip?: string } = {}): Promise<Called<T>> =>
    workerFetch(overrides)(buildRequest(method, path, opts)).then((res) => readResponse<T>(res));
}

let ipCounter = 1;
/** A fresh IPv4 address per call, so network-scoped limits start empty. */
export const freshIp = () => `198.51.${Math.floor(ipCounter / 250) % 250}.${(ipCounter++ % 250) + 1}`;

/** The smallest bytes that sniff as a PNG. */
export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

/** A multipart upload body: the image as field `file` (its claimed type need not be true) plus extra fields. */
export function imageForm(bytes: Uint8Array, fields: Record<string, string> = {}, claimedType = "application/octet-stream") {
  const fd = new FormData();
  fd.set("file", new File([bytes], "upload.bin", { type: claimedType }));
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  return fd;
}

/** A D1 binding that counts the statements a request prepares, on the binding and on its sessions. */
export function countingDb() {
  const counter = { statements: 0 };
  const counting = (base: D1Database): D1Database =>
    new Proxy(base, {
      get(target, prop) {
        if (prop === "prepare") {
          return (sql: string) => {
            counter.statements++;
            return target.prepare(sql);
          };
        }
        if (prop === "withSession") return (constraint?: string) => counting(target.withSession(constraint) as unknown as D1Database);
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  return { db: counting(env.DB), counter };
}

/**
 * Runs the derive pass (services/derive.ts) until nothing new is pending, and the hot ranks votes
 * queued on D1: what the post-response drains do, for posts and comments a test inserted straight
 * into the tables and votes cast through the services.
 */
export async function deriveAll(): Promise<void> {
  const deps = buildDeps(env, ORIGIN);
  try {
    for (;;) {
      const [pass, ranks] = [await derivePending(deps, 500), await rerankPending(deps, 500)];
      if (pass.failed || ranks.failed) throw new Error("derive pass failed (see the log)");
      if (pass.derived === 0 && ranks.ranked === 0) return;
    }
  } finally {
    await deps.release();
  }
}
