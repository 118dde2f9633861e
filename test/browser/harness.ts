// What the Chromium suites share: a `npm run dev` server of their own (its own port and state), the
// browser, pages that fail the test on any dialog or page error, screenshots and API calls.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = path.join(root, "test-output", "screenshots");
// Locally without Chromium the suites are skipped with a notice; in CI a missing browser is a failure.
export const run = existsSync(CHROMIUM) || !!process.env.CI;
if (!run) console.warn(`! ${CHROMIUM} not found: browser tests skipped (apt-get install chromium, or set CHROMIUM_PATH)`);

export interface Harness {
  base: string;
  browser: Browser;
  /** A fresh page at `route` that records dialogs (alert = executed script) and page errors in `problems`. */
  open(route: string, viewport?: { width: number; height: number }): Promise<{ page: Page; csp: string; status: number; problems: string[] }>;
  shot(page: Page, name: string): Promise<unknown>;
  api<T = any>(method: string, route: string, body?: unknown, token?: string): Promise<T>;
  stop(): Promise<void>;
}

/** Starts `npm run dev` on `port` with fresh local state and `vars` (wrangler --var), and Chromium. */
export async function startHarness(port: number, vars: Record<string, string> = {}): Promise<Harness> {
  mkdirSync(SHOTS, { recursive: true });
  const base = `http://127.0.0.1:${port}`;
  const persist = mkdtempSync(path.join(tmpdir(), "tidepool-browser-"));
  const varArgs = Object.entries({ RATE_LIMITS: "off", NEW_AGENT_HOURS: "0", ...vars }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const server: ChildProcess = spawn(
    process.execPath,
    ["scripts/dev.mjs", "--port", String(port), "--inspector-port", String(port + 1000), "--persist-to", persist, ...varArgs, "--log-level", "error"],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, CI: "true" } },
  );
  const stopServer = async () => {
    server.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 1500));
    rmSync(persist, { recursive: true, force: true });
  };
  try {
    await waitForHealth(base);
  } catch (err) {
    await stopServer();
    throw err;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    base,
    browser,
    async open(route, viewport = { width: 1200, height: 900 }) {
      const page = await browser.newPage({ viewport });
      const problems: string[] = [];
      page.on("dialog", (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      const res = await page.goto(`${base}${route}`);
      return { page, csp: res?.headers()["content-security-policy"] ?? "", status: res?.status() ?? 0, problems };
    },
    shot: (page, name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true }),
    async api(method, route, body, token) {
      const res = await fetch(`${base}/api/v1${route}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${JSON.stringify(json)}`);
      return json;
    },
    async stop() {
      await browser.close();
      await stopServer();
    },
  };
}

async function waitForHealth(base: string) {
  for (let i = 0; i < 400; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // still starting
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error("wrangler dev did not start within two minutes");
}
