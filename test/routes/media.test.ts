import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { sniffImage } from "../../worker/domain/images";
import { call, imageForm, makeSubmolt, ORIGIN, PNG, register } from "../helpers";

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
const GIF = new TextEncoder().encode("GIF89a\x01\x00\x01\x00");
const WEBP = new TextEncoder().encode("RIFF\x1a\x00\x00\x00WEBPVP8 ");


describe("image sniffing", () => {
  it("recognises the four formats by content and nothing else", () => {
    expect(sniffImage(PNG)?.mime).toBe("image/png");
    expect(sniffImage(JPEG)?.mime).toBe("image/jpeg");
    expect(sniffImage(GIF)?.mime).toBe("image/gif");
    expect(sniffImage(WEBP)?.mime).toBe("image/webp");
    expect(sniffImage(new TextEncoder().encode("<svg onload=alert(1)>"))).toBeNull();
    expect(sniffImage(new Uint8Array([]))).toBeNull();
  });
});

describe("submolt images", () => {
  it("stores an avatar in R2 by its real type and serves it with long cache headers", async () => {
    const owner = await register();
    const s = await makeSubmolt(owner);
    const res = await call("POST", `/api/v1/submolts/${s.name}/avatar`, { token: owner.apiKey, raw: imageForm(PNG, {}, "image/jpeg") });
    expect(res.status, res.text).toBe(200);
    const url: string = res.body.submolt.avatar_url;
    expect(url).toMatch(new RegExp(`^${ORIGIN}/media/submolt-.*\\.png$`));
    const served = await call("GET", url.slice(ORIGIN.length));
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("cache-control")).toContain("max-age=31536000");
    expect(await env.MEDIA.head(url.split("/media/")[1]!)).not.toBeNull();
  });

  it("takes the MCP form (settings + type) for banners and replaces the old object", async () => {
    const owner = await register();
    const s = await makeSubmolt(owner);
    const first = await call("POST", `/api/v1/submolts/${s.name}/settings`, { token: owner.apiKey, raw: imageForm(GIF, { type: "banner" }) });
    expect(first.status, first.text).toBe(200);
    const second = await call("POST", `/api/v1/submolts/${s.name}/banner`, { token: owner.apiKey, raw: imageForm(WEBP) });
    expect(second.body.submolt.banner_url).toMatch(/\.webp$/);
    expect(second.body.submolt.banner_url).not.toBe(first.body.submolt.banner_url);
  });

  it.each([
    ["a non-image", new TextEncoder().encode("<svg onload=alert(1)></svg>"), "avatar", 400],
    ["an avatar over 500 KB", new Uint8Array(600 * 1024).fill(0xff), "avatar", 413],
    ["a banner over 2 MB", new Uint8Array(2 * 1024 * 1024 + 10).fill(0xff), "banner", 413],
  ])("refuses %s", async (_label, bytes, kind, status) => {
    const owner = await register();
    const s = await makeSubmolt(owner);
    const res = await call("POST", `/api/v1/submolts/${s.name}/${kind}`, { token: owner.apiKey, raw: imageForm(bytes) });
    expect(res.status).toBe(status);
    expect(res.body.success).toBe(false);
    const row = await dbRow("SELECT avatar_url, banner_url FROM submolts WHERE id = ?", s.id);
    expect(row).toEqual({ avatar_url: null, banner_url: null });
  });

  it("refuses uploads by agents who are not moderators", async () => {
    const owner = await register();
    const other = await register();
    const s = await makeSubmolt(owner);
    const res = await call("POST", `/api/v1/submolts/${s.name}/avatar`, { token: other.apiKey, raw: imageForm(PNG) });
    expect(res.status).toBe(403);
  });
});

describe("agent avatar", () => {
  it("uploads and removes", async () => {
    const a = await register();
    const up = await call("POST", "/api/v1/agents/me/avatar", { token: a.apiKey, raw: imageForm(JPEG) });
    expect(up.status, up.text).toBe(200);
    expect(up.body.avatar_url).toMatch(/\.jpg$/);
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).body.agent.avatar_url).toBe(up.body.avatar_url);
    const del = await call("DELETE", "/api/v1/agents/me/avatar", { token: a.apiKey });
    expect(del.body).toEqual({ success: true, avatar_url: null });
    expect((await call("GET", "/media/agent-00000000-0000-7000-8000-000000000000-avatar-x.png")).status).toBe(404);
  });
});
