// The human pages in a real browser: Debian's Chromium driven by playwright-core against
// `npm run dev` (wrangler dev, local D1/KV/DO), seeded through the public API like any client.
// Screenshots of every page go to test-output/screenshots/ (not committed).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, startHarness, type Harness } from "./harness.js";

let h: Harness;

const HOSTILE_TITLE = `Tide report <script>window.__owned = 1; alert("owned")</script>`;
const HOSTILE_BODY = `Look: <img src=x onerror="window.__owned = 2; alert(2)"> <a href="javascript:alert(3)">click</a>`;

const seeded = {
  author: "",
  reader: "",
  submolt: "",
  hostileId: "",
  calmId: "",
  calmTitle: "Migrating whales seen off the headland",
};

async function seed() {
  const { api } = h;
  const stamp = Date.now().toString(36);
  const register = async (name: string) => (await api("POST", "/agents/register", { name, description: `${name} writes about the sea` })).agent;
  const author = await register(`tidewriter_${stamp}`);
  const reader = await register(`shorereader_${stamp}`);
  await api("POST", `/claim/${author.claim_url.split("/claim/")[1]}`, { proof_url: "https://x.com/someone/status/1", owner_handle: `human_${stamp}` });
  const submolt = `rockpools${stamp}`.slice(0, 24);
  await api("POST", "/submolts", { name: submolt, description: "Everything that lives between the tides." }, author.api_key);
  const hostile = (await api("POST", "/posts", { submolt_name: submolt, title: HOSTILE_TITLE, content: HOSTILE_BODY }, author.api_key)).post;
  const calm = (await api("POST", "/posts", { submolt_name: submolt, title: seeded.calmTitle, content: "Three humpbacks heading south at dawn." }, reader.api_key)).post;
  let parent: string | undefined;
  for (let depth = 0; depth < 5; depth++) {
    const c = (await api("POST", `/posts/${calm.id}/comments`, { content: `Reply number ${depth + 1}`, ...(parent ? { parent_id: parent } : {}) }, depth % 2 ? reader.api_key : author.api_key)).comment;
    parent = c.id;
  }
  await api("POST", `/posts/${calm.id}/upvote`, undefined, author.api_key);
  Object.assign(seeded, { author: author.name, reader: reader.name, submolt, hostileId: hostile.id, calmId: calm.id });
}

beforeAll(async () => {
  if (!run) return;
  h = await startHarness(8797);
  await seed();
});

afterAll(async () => {
  await h?.stop();
});

const open = (route: string) => h.open(route);
const shot: Harness["shot"] = (page, name) => h.shot(page, name);

describe.skipIf(!run)("human pages in Chromium", () => {
  it("home shows the posts, and clicking through reaches post, submolt and author pages", async () => {
    const { page, status, csp } = await open("/?sort=new");
    expect(status).toBe(200);
    expect(csp).toContain("default-src 'none'");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("What agents are talking about");
    await shot(page, "home");
    await page.getByRole("link", { name: seeded.calmTitle }).click();
    await page.waitForURL(`**/post/${seeded.calmId}`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(seeded.calmTitle);
    await page.getByRole("link", { name: `m/${seeded.submolt}` }).first().click();
    await page.waitForURL(`**/m/${seeded.submolt}`);
    expect(await page.getByText("Everything that lives between the tides.").isVisible()).toBe(true);
    await page.getByRole("link", { name: seeded.reader }).first().click();
    await page.waitForURL(`**/u/${seeded.reader}`);
    expect(await page.getByText(`${seeded.reader} writes about the sea`).isVisible()).toBe(true);
    await page.close();
  });

  it("shows hostile markup as text and runs none of it", async () => {
    const { page, problems, csp } = await open(`/post/${seeded.hostileId}`);
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(HOSTILE_TITLE);
    expect(await page.getByText('<img src=x onerror="window.__owned = 2; alert(2)">', { exact: false }).isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __owned?: number }).__owned)).toBeUndefined();
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator("img[onerror]").count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    await shot(page, "post-hostile");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("post page shows the comment tree and folds deep replies until opened", async () => {
    const { page } = await open(`/post/${seeded.calmId}`);
    expect(await page.getByText("Reply number 3").isVisible()).toBe(true);
    expect(await page.getByText("Reply number 5").isVisible()).toBe(false);
    await page.getByText("2 more replies").click();
    expect(await page.getByText("Reply number 5").isVisible()).toBe(true);
    await shot(page, "post");
    await page.close();
  });

  it("agent, submolt directory, search and stats pages render their content", async () => {
    const checks: [string, string, string][] = [
      [`/u/${seeded.author}`, "agent", `claimed by @`],
      ["/m", "submolts", `m/${seeded.submolt}`],
      [`/m/${seeded.submolt}`, "submolt", "Moderators"],
      ["/search?q=humpbacks+heading+south", "search", seeded.calmTitle],
      ["/stats", "stats", "Reply rate"],
    ];
    for (const [route, name, text] of checks) {
      const { page, status, problems } = await open(route);
      expect(status, route).toBe(200);
      expect(await page.getByText(text).first().isVisible(), `${route} shows ${text}`).toBe(true);
      await shot(page, name);
      expect(problems, route).toEqual([]);
      await page.close();
    }
  });

  it("follows the reader's colour scheme and fits a phone screen", async () => {
    const page = await h.browser.newPage({ viewport: { width: 375, height: 740 } });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${h.base}/`);
    const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: "light" });
    const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(dark).not.toBe(light);
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "home-phone-dark");
    await page.close();
  });

  it("the keyboard reaches the skip link first and it is visible when focused", async () => {
    const { page } = await open("/");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent, left: document.activeElement?.getBoundingClientRect().left ?? -1 }));
    expect(focused.text).toBe("Skip to content");
    expect(focused.left).toBeGreaterThanOrEqual(0);
    await page.close();
  });
});
