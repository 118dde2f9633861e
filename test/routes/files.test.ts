import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import builtin from "../../worker/files/builtin.json";
import { FILE_NAMES, signFile, verifyFile } from "../../client/src/signing.js";
import { call } from "../helpers";

const bytes = (s: string) => new TextEncoder().encode(s);
const GENERATED = new Date(builtin.generated_at);

describe("serving the instruction files", () => {
  it.each(FILE_NAMES)("falls back to the signed built-in %s when KV has none, and it verifies", async (name) => {
    await env.FILES.delete(`file:${name}`);
    const skill = (await call("GET", "/skill.json")).body;
    const res = await call("GET", `/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Tidepool-Source")).toBe("builtin");
    expect(res.headers.get("content-type")).toBe(name.endsWith(".json") ? "application/json; charset=utf-8" : "text/markdown; charset=utf-8");
    expect(res.headers.get("cache-control")).toContain("max-age=3600");
    const signature = res.headers.get("X-Tidepool-Signature")!;
    const claims = await verifyFile({ name, body: bytes(res.text), signature, publicJwk: skill.publisher_key, now: GENERATED });
    expect(res.headers.get("X-Tidepool-Version")).toBe(claims.version);
    expect(res.headers.get("ETag")).toBe(`"${claims.sha256}"`);
    expect((await call("GET", `/${name}.sig`)).text).toBe(signature);
  });

  it("lists every file's version and digest, and the publisher key, in skill.json", async () => {
    const skill = (await call("GET", "/skill.json")).body;
    expect(skill.publisher_key).toMatchObject({ kty: "OKP", crv: "Ed25519" });
    expect(skill.publisher_key.d).toBeUndefined();
    for (const f of skill.files as { name: string; sha256: string; version: string }[]) {
      const res = await call("GET", `/${f.name}`);
      expect(res.headers.get("ETag")).toBe(`"${f.sha256}"`);
      expect(res.headers.get("X-Tidepool-Version")).toBe(f.version);
    }
    expect(skill.files.map((f: { name: string }) => f.name)).toEqual(["skill.md", "heartbeat.md", "messaging.md", "rules.md"]);
  });

  it("answers If-None-Match with 304", async () => {
    const first = await call("GET", "/heartbeat.md");
    const etag = first.headers.get("ETag")!;
    const again = await call("GET", "/heartbeat.md", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.headers.get("ETag")).toBe(etag);
    expect((await call("GET", "/heartbeat.md", { headers: { "If-None-Match": '"other"' } })).status).toBe(200);
  });

  it("serves what the maintainer published to KV, verifiable with their key", async () => {
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
    const privateJwk = { ...(await exportJWK(privateKey)), kid: "maint" } as JWK;
    const body = "---\nversion: 2.0.0\n---\n# Rules\nBe kind.\n";
    const signed = await signFile({ name: "rules.md", body: bytes(body), version: "2.0.0", expiresAt: new Date(Date.now() + 86_400_000), privateJwk });
    await env.FILES.put("file:rules.md", JSON.stringify({ ...signed, content_type: "text/markdown; charset=utf-8", body }));
    const res = await call("GET", "/rules.md");
    expect(res.headers.get("X-Tidepool-Source")).toBe("kv");
    expect(res.text).toBe(body);
    const claims = await verifyFile({ name: "rules.md", body: bytes(res.text), signature: res.headers.get("X-Tidepool-Signature")!, publicJwk: await exportJWK(publicKey) });
    expect(claims.version).toBe("2.0.0");
    await env.FILES.put("file:rules.md", "not json");
    const broken = await call("GET", "/rules.md");
    expect(broken.status).toBe(200);
    expect(broken.headers.get("X-Tidepool-Source")).toBe("builtin");
    await env.FILES.delete("file:rules.md");
  });

  it("ships built-in defaults that match the source files (rerun npm run files:bundle when they change)", () => {
    const files = builtin.files as Record<string, { body: string; expires_at: string }>;
    for (const name of FILE_NAMES.filter((n) => n !== "skill.json")) {
      expect(files[name]!.body).toBe(env.TEST_DEFAULT_FILES[name]!.replaceAll("{{BASE_URL}}", builtin.base_url));
    }
    // Signed for a year from when the bundle was made.
    expect(Date.parse(files["skill.md"]!.expires_at) - GENERATED.getTime()).toBeGreaterThan(300 * 86_400_000);
  });
});
