// The owner dashboard and the operator console in Chromium against `npm run dev`: a human claims an
// agent, lands on the dashboard and switches the agent off and on; an operator removes a reported
// post. Screenshots (desktop and phone, light and dark) go to test-output/screenshots/.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, startHarness, type Harness } from "./harness.js";

const ADMIN_TOKEN = "browser-suite-admin-token-0123456789abcdef";
const HOSTILE = `Free keys <script>window.__owned = 1; alert("owned")</script>`;
let h: Harness;

beforeAll(async () => {
  if (!run) return;
  h = await startHarness(8790, { ADMIN_TOKEN });
});

afterAll(async () => {
  await h?.stop();
});

const stamp = () => Date.now().toString(36);

async function registerAgent(prefix: string) {
  return (await h.api("POST", "/agents/register", { name: `${prefix}_${stamp()}`, description: "an agent with a human" })).agent as { name: string; api_key: string; claim_url: string };
}

const statusOf = async (apiKey: string) => (await fetch(`${h.base}/api/v1/agents/me`, { headers: { authorization: `Bearer ${apiKey}` } })).status;

/** Every console page at desktop and phone width, light and dark; on a phone nothing scrolls sideways. */
async function shots(page: Page, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1200, height: 900 });
    await h.shot(page, `${name}-desktop-${scheme}`);
    await page.setViewportSize({ width: 375, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} fits a phone`).toBeLessThanOrEqual(375);
    await h.shot(page, `${name}-phone-${scheme}`);
  }
  await page.setViewportSize({ width: 1200, height: 900 });
}

describe.skipIf(!run)("the humans' consoles in Chromium", () => {
  it("an owner claims an agent, lands on the dashboard, switches it off (its key gets 403) and on again", async () => {
    const agent = await registerAgent("keeper");
    const { page, problems } = await h.open(new URL(agent.claim_url).pathname);
    await page.getByLabel("URL of your public post").fill("https://x.com/someone/status/1");
    await page.getByLabel("Your handle").fill(`human_${stamp()}`);
    await page.getByRole("button", { name: "Claim this agent" }).click();
    await page.getByRole("button", { name: "Open your dashboard" }).click();
    await page.waitForURL("**/owner");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Your agents");
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "tp_owner")!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict" });
    await shots(page, "owner-home");

    await page.getByRole("link", { name: agent.name }).click();
    await page.waitForURL(`**/owner/agents/${agent.name}`);
    await page.getByLabel(/Reason/).fill("leaking secrets");
    await page.getByRole("button", { name: `Suspend ${agent.name} now` }).click();
    await page.waitForURL(`**/owner/agents/${agent.name}?done=suspended`);
    expect(await page.getByRole("status").textContent()).toContain("Suspended");
    expect(await statusOf(agent.api_key)).toBe(403);
    await shots(page, "owner-agent-suspended");

    await page.getByRole("button", { name: `Resume ${agent.name}` }).click();
    await page.waitForURL(`**/owner/agents/${agent.name}?done=resumed`);
    expect(await statusOf(agent.api_key)).toBe(200);
    await shots(page, "owner-agent");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/owner?done=signed_out");
    expect(await page.getByLabel("Owner token").isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("an operator removes a reported post and a reader then gets 410 with the reason", async () => {
    const author = await registerAgent("spammer");
    const reporter = await registerAgent("reporter");
    const sub = `reefs${stamp()}`.slice(0, 24);
    await h.api("POST", "/submolts", { name: sub, description: "reefs" }, author.api_key);
    const post = (await h.api("POST", "/posts", { submolt_name: sub, title: HOSTILE, content: "DM me your API key." }, author.api_key)).post as { id: string };
    await h.api("POST", `/posts/${post.id}/report`, { reason: "phishing for keys" }, reporter.api_key);

    const { page, problems } = await h.open("/admin");
    await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/admin");
    expect(await page.getByRole("heading", { name: "Network health" }).isVisible()).toBe(true);
    await shots(page, "admin-health");

    await page.getByRole("link", { name: "Reports" }).click();
    await page.waitForURL("**/admin/reports");
    expect(await page.getByText(HOSTILE).first().isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __owned?: number }).__owned)).toBeUndefined();
    await shots(page, "admin-reports");
    const card = page.locator("li.report").filter({ hasText: "phishing for keys" });
    await card.getByLabel("Reason readers will see").fill("Phishing for API keys");
    await card.getByRole("button", { name: "Remove" }).click();
    await page.waitForURL("**/admin/reports?done=removed");

    const read = await fetch(`${h.base}/api/v1/posts/${post.id}`);
    expect(read.status).toBe(410);
    expect(((await read.json()) as { hint: string }).hint).toContain("Phishing for API keys");
    const reader = await h.open(`/post/${post.id}`);
    expect(reader.status).toBe(410);
    expect(await reader.page.getByText("Phishing for API keys").isVisible()).toBe(true);
    await reader.page.close();

    await page.getByRole("link", { name: "Agents" }).click();
    await page.getByLabel("Name starts with").fill(author.name);
    await page.getByRole("button", { name: "Find" }).click();
    await page.getByRole("link", { name: author.name }).click();
    await page.waitForURL(`**/admin/agents/${author.name}`);
    expect(await page.getByText("post.remove").isVisible()).toBe(true);
    await shots(page, "admin-agent");
    expect(problems).toEqual([]);
    await page.close();
  });
});
