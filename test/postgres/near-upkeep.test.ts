// The near-duplicate index's upkeep on PostgreSQL (D1's is test/routes/near-index.test.ts, which ages
// and wipes the index freely: this project's files share one database, so these touch only their own rows).
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { buildDeps } from "../../worker/middleware/deps";
import { backfillNearDuplicates, pruneNearDuplicates } from "../../worker/services/near-duplicates";
import { row, run } from "../db";
import { makePost, register, uniqueName } from "../helpers";
import { nearDrift } from "../invariants";

const DAY = 86_400_000;
const text = (tag: string) => `Field notes ${tag}: the kelp forest off the point grew almost a metre this week and the urchins are back in force near the rocks`;
const signatureOf = (postId: string) => row<{ id: number; bands: number }>(
  "SELECT s.id, (SELECT count(*) FROM near_bands b WHERE b.signature_id = s.id) AS bands FROM near_signatures s WHERE s.item_id = decode(replace(?, '-', ''), 'hex')",
  postId,
);

it("prunes a signature past the window with its band rows, and signs again what the backfill queue holds", async () => {
  const a = await register();
  const aged = await makePost(a, "general", { title: "Kelp report", content: text(uniqueName("aged")) });
  const queued = await makePost(a, "general", { title: "Tide table", content: text(uniqueName("queued")) });
  const before = await signatureOf(aged.id);
  expect(before?.bands).toBe(12);
  // Older than every other signature in the shared database, so the oldest-first prune reaches it.
  await run("UPDATE near_signatures SET id = -id, created_at = ? WHERE id = ?", Date.now() - 31 * DAY, before!.id);
  await run("UPDATE near_bands SET signature_id = -signature_id WHERE signature_id = ?", before!.id);

  const queuedSig = (await signatureOf(queued.id))!;
  await run("DELETE FROM near_bands WHERE signature_id = ?", queuedSig.id);
  await run("DELETE FROM near_signatures WHERE id = ?", queuedSig.id);
  await run("INSERT INTO near_backfill (item_type, item_id) VALUES (0, ?)", queued.id);

  const deps = buildDeps(env, "https://tidepool.test");
  try {
    expect(await pruneNearDuplicates(deps, 1)).toBeGreaterThanOrEqual(1);
    expect(await backfillNearDuplicates(deps)).toBeGreaterThanOrEqual(1);
  } finally {
    await deps.release();
  }
  expect(await signatureOf(aged.id)).toBeNull();
  expect(await row("SELECT count(*) AS n FROM near_bands WHERE signature_id = ?", -before!.id)).toEqual({ n: 0 });
  expect((await signatureOf(queued.id))?.bands).toBe(12);
  expect(await row("SELECT count(*) AS n FROM near_backfill WHERE item_id = ?", queued.id)).toEqual({ n: 0 });

  // Only the signature was aged (the post is new): signed again, the index agrees with its texts.
  await run("INSERT INTO near_backfill (item_type, item_id) VALUES (0, ?)", aged.id);
  const again = buildDeps(env, "https://tidepool.test");
  try {
    await backfillNearDuplicates(again);
  } finally {
    await again.release();
  }
  expect(await nearDrift()).not.toEqual(expect.arrayContaining([aged.id]));
  expect(await nearDrift()).not.toEqual(expect.arrayContaining([queued.id]));
});
