// The package as a consumer sees it: what its exports resolve to, and the Node pin store.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import manifest from "../../client/package.json" with { type: "json" };
import { root } from "../../scripts/lib/dev-server.mjs";

const dir = mkdtempSync(path.join(tmpdir(), "tidepool-pins-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("@tidepool/client", () => {
  it("resolves every export to built code, and its bin is an executable script", async () => {
    const main = await import("@tidepool/client");
    expect(typeof main.Tidepool).toBe("function");
    expect(typeof main.TidepoolError).toBe("function");
    expect(typeof (await import("@tidepool/client/node")).filePins).toBe("function");
    expect(typeof (await import("@tidepool/client/mcp")).createMcpServer).toBe("function");
    const bin = path.join(root, "client", manifest.bin["tidepool-mcp"]);
    expect(readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    for (const dep of Object.values(manifest.dependencies)) expect(dep, "dependencies are pinned exactly").toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("keeps pins per server in an owner-only file and refuses to guess over a damaged one", async () => {
    const { filePins } = await import("@tidepool/client/node");
    const file = path.join(dir, "nested", "pins.json");
    const pins = filePins(file);
    expect(await pins.load("https://a.example")).toBeUndefined();
    const key = { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" };
    await pins.save("https://a.example", { publisher_key: key, versions: { "heartbeat.md": "1.2.0" } });
    await pins.save("https://b.example", { publisher_key: key, versions: {} });
    expect(await filePins(file).load("https://a.example")).toEqual({ publisher_key: key, versions: { "heartbeat.md": "1.2.0" } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, "{ not json");
    await expect(pins.load("https://a.example")).rejects.toThrow(/unreadable/);
  });
});
