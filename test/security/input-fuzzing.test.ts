// Input fuzzing driven by the OpenAPI document: every JSON body field and every query parameter of
// every route gets hostile values (huge, deeply nested, wrong types, NUL, lone surrogates, bidi
// controls, SQL/HTML/script payloads) beside otherwise valid input. Never a 500, every refusal is
// the JSON error envelope, and any text the server accepted is stored exactly as sent.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { LONE_SURROGATE } from "../../worker/middleware/http";
import { beforeAll, describe, expect, it } from "vitest";
import { call, claim, dumpDatabase, makeComment, makePost, makeSubmolt, register, uniqueName, type Called, type Registered } from "../helpers";

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; enum?: unknown[]; minimum?: number; maxLength?: number; $ref?: string; anyOf?: Schema[]; format?: string };
type Operation = { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: Schema }> }; security?: Record<string, unknown>[] };

/** Text an attacker or a confused client sends; each must be refused or stored byte for byte. */
const TEXT = [
  "a\u0000b",
  "\u202eevil\u202c right-to-left override",
  "zero\u200bwidth\u200djoin",
  "'; DROP TABLE agents; --",
  "\" OR 1=1 --",
  "<script>alert(document.cookie)</script>",
  "<img src=x onerror=alert(1)>",
  "{{constructor.constructor('return process')()}}",
  "${7*7}",
  "../../../../etc/passwd",
  "\ufeffbom and e\u0301 and 👩‍👩‍👧",
  "   ",
  "",
];
/** Values no field should take, and the shapes that break naive parsers. */
const HOSTILE: unknown[] = [
  ...TEXT,
  "x\ud800y",
  "\udc00",
  "A".repeat(200_000),
  12345,
  -1,
  1e308,
  true,
  null,
  [],
  ["a", 1],
  {},
  { __proto__: { admin: true }, constructor: { prototype: { admin: true } } },
  JSON.parse('{"__proto__": {"is_admin": true}}'),
];
const QUERY_VALUES = ["-1", "0", "1e999", "NaN", "99999999999999999999", "' OR 1=1 --", "<script>", "%00", "%ED%A0%80", "[]", "{}", "a".repeat(5000), "../..", "%", "\u202e"];

let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
let a: Registered;
let b: Registered;
let ownerToken: string;
const ids: Record<string, string> = {};

const resolve = (s: Schema | undefined): Schema => (s?.$ref ? resolve(doc.components.schemas[s.$ref.split("/").pop()!]) : s ?? {});

/** An acceptable value for a field, so one hostile field at a time gets past the rest of the schema. */
function plausible(name: string, schema: Schema): unknown {
  const known: Record<string, unknown> = {
    name: uniqueName(), submolt: "general", submolt_name: "general", title: uniqueName("title"), content: `text ${uniqueName()}`,
    to: b.name, message: `a message ${uniqueName()}`, agent_name: b.name, email: "fuzz@example.com", proof_url: "https://x.com/a/status/1",
    owner_handle: uniqueName("h"), reason: "spam", description: "a description", display_name: "Fuzz", url: "https://example.com/x",
    parent_id: ids.comment, role: "moderator", type: "avatar", hours: 1, answer: "1.00", verification_code: "x", token: "x",
  };
  if (name in known) return known[name];
  const s = resolve(schema);
  if (s.enum) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type ?? s.anyOf?.map(resolve)[0]?.type;
  if (type === "integer" || type === "number") return s.minimum ?? 1;
  if (type === "boolean") return true;
  if (type === "object") return {};
  if (type === "array") return [];
  return "x";
}

function pathFor(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, p: string) => {
    if (p === "id") return /dm\//.test(template) ? ids.conversation! : template.includes("/comments/") ? ids.comment! : ids.post!;
    if (p === "name") return template.startsWith("/api/v1/submolts") || template.startsWith("/m/") ? ids.submolt! : template.includes("/owner/") ? a.name : b.name;
    if (p === "agent_name") return b.name;
    if (p === "token") return ids.claimToken!;
    return "00000000-0000-7000-8000-000000000000";
  });
}

function tokenFor(op: Operation): string | undefined {
  const scheme = Object.keys(op.security?.[0] ?? {})[0];
  if (scheme === "operator") return env.ADMIN_TOKEN as string;
  if (scheme === "owner") return ownerToken;
  return a.apiKey;
}

const results: { route: string; sent: unknown; res: Called }[] = [];

function expectClean(route: string, sent: unknown, res: Called) {
  const where = `${route} with ${JSON.stringify(sent)?.slice(0, 120)} → ${res.status} ${res.text.slice(0, 200)}`;
  expect(res.status, where).toBeLessThan(500);
  expect(res.text, where).not.toMatch(/D1_ERROR|SQLITE_|\bat \w+ \(|\.ts:\d+:\d+/);
  if (res.status >= 400 && (res.headers.get("content-type") ?? "").includes("json")) {
    expect(res.body.success, where).toBe(false);
    expect(typeof res.body.error, where).toBe("string");
    expect(typeof res.body.hint, where).toBe("string");
  }
  results.push({ route, sent, res });
}

/** A fresh cast per route: a fuzzed key rotation, suspension or deletion must not starve the routes after it. */
async function newWorld() {
  a = await register();
  b = await register();
  ownerToken = (await claim(a)).ownerToken;
  ids.submolt = (await makeSubmolt(a)).name;
  ids.post = (await makePost(a, ids.submolt)).id;
  ids.comment = (await makeComment(a, ids.post)).id;
  const dm = await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: b.name, message: "A first message to fuzz." } });
  ids.conversation = dm.body.conversation_id;
  ids.claimToken = (await register()).claimToken;
}

beforeAll(async () => {
  doc = (await call("GET", "/api/v1/openapi.json")).body;
  await newWorld();
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));

describe("fuzzing every JSON body", () => {
  it("each field of each body, given each hostile value beside valid others: 4xx or stored as sent, never 500", { timeout: 240_000 }, async () => {
    let cases = 0;
    for (const { method, path, op } of operations()) {
      const schema = resolve(op.requestBody?.content["application/json"]?.schema);
      if (!schema.properties) continue;
      await newWorld();
      const fields = Object.entries(schema.properties);
      for (const [field] of fields) {
        for (const value of HOSTILE) {
          const body: Record<string, unknown> = Object.fromEntries(fields.map(([f, s]) => [f, plausible(f, s)]));
          body[field] = value;
          expectClean(`${method} ${path} .${field}`, value, await call(method, pathFor(path), { token: tokenFor(op), body }));
          cases++;
        }
      }
      // Whole bodies of the wrong shape.
      for (const raw of ["[1,2]", '"text"', "null", "{", '{"a":1,"a":2}', "[".repeat(20_000) + "]".repeat(20_000), "\u0000"]) {
        expectClean(`${method} ${path} raw`, raw.slice(0, 40), await call(method, pathFor(path), { token: tokenFor(op), raw, headers: { "content-type": "application/json" } }));
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(1000);
    console.info(`body fuzz cases: ${cases}`);
  });

  it("generated JSON values (fast-check) in every body field: never a 500", { timeout: 240_000 }, async () => {
    const targets = operations().filter(({ op }) => resolve(op.requestBody?.content["application/json"]?.schema).properties);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), fc.jsonValue(), fc.nat(), async ({ method, path, op }, value, pick) => {
        const fields = Object.entries(resolve(op.requestBody!.content["application/json"]!.schema).properties!);
        const body: Record<string, unknown> = Object.fromEntries(fields.map(([f, s]) => [f, plausible(f, s)]));
        body[fields[pick % fields.length]![0]] = value;
        expectClean(`${method} ${path}`, value, await call(method, pathFor(path), { token: tokenFor(op), body }));
      }),
      { numRuns: 300 },
    );
  });

  it("stores accepted hostile text byte for byte, and refuses text that cannot be stored", async () => {
    const statuses: Record<number, number> = {};
    for (const r of results) statuses[r.res.status] = (statuses[r.res.status] ?? 0) + 1;
    console.info(`body fuzz statuses: ${JSON.stringify(statuses)}`);
    for (const r of results.filter((r) => typeof r.sent === "string" && LONE_SURROGATE.test(r.sent))) {
      expect(r.res.status, `${r.route}: an unpaired surrogate was accepted`).toBe(400);
    }
    const stored = await dumpDatabase();
    const accepted = results.filter((r) => r.res.status < 300 && typeof r.sent === "string" && TEXT.includes(r.sent) && r.sent.trim() !== "");
    expect(accepted.length).toBeGreaterThan(20);
    for (const { route, sent } of accepted) {
      // The dump is JSON, so a stored string appears JSON-escaped.
      expect(stored.includes(JSON.stringify(sent).slice(1, -1)), `${route}: ${JSON.stringify(sent)} accepted but not stored as sent`).toBe(true);
    }
  });
});

describe("fuzzing every query parameter", () => {
  it("each query parameter of each route, given each hostile value: never a 500", { timeout: 240_000 }, async () => {
    let cases = 0;
    for (const { method, path, op } of operations()) {
      const params = (op.parameters ?? []).filter((p) => p.in === "query");
      if (params.length) await newWorld();
      for (const param of params) {
        for (const value of QUERY_VALUES) {
          // Raw in the URL, so %ED%A0%80 arrives as invalid UTF-8 rather than being re-encoded.
          const query = `${param.name}=${/^[\x21-\x7e]*$/.test(value) ? value.replace(/[#&+ ]/g, encodeURIComponent) : encodeURIComponent(value)}`;
          expectClean(`${method} ${path} ?${param.name}`, value, await call(method, `${pathFor(path)}?${query}`, { token: tokenFor(op) }));
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(300);
    console.info(`query fuzz cases: ${cases}`);
  });
});
