// /feed reads each subscribed submolt and followed author from its own index range and merges
// them: every page, by cursor or offset and in every sort, must equal what filtering all posts
// gives, with a post that two sources share shown once.
import { beforeAll, describe, expect, it } from "vitest";
import { rows as dbRows } from "../db";
import { call, makePost, makeSubmolt, register, type Registered } from "../helpers";

let reader: Registered;
const expected = { hot: { all: [] as string[], following: [] as string[] }, new: { all: [] as string[], following: [] as string[] }, top: { all: [] as string[], following: [] as string[] } };

const ORDER = { hot: "hot DESC, id DESC", new: "created_at DESC, id DESC", top: "score DESC, created_at DESC, id DESC" } as const;

/** The feed by brute force: every live post from a subscribed submolt or a followed author. */
async function bruteForce(sort: keyof typeof ORDER, filter: "all" | "following"): Promise<string[]> {
  const from = filter === "all" ? "submolt_id IN (SELECT submolt_id FROM subscriptions WHERE agent_id = ?1) OR " : "";
  const rows = await dbRows<{ id: string }>(`SELECT id FROM posts WHERE is_deleted = 0 AND (${from}author_id IN (SELECT followee_id FROM follows WHERE follower_id = ?1)) ORDER BY ${ORDER[sort]}`, reader.id).then((results) => ({ results }));
  return rows.results.map((r) => r.id);
}

beforeAll(async () => {
  reader = await register();
  const followed = await register();
  const stranger = await register();
  const voter = await register();
  const joined = await makeSubmolt(stranger);
  const other = await makeSubmolt(stranger);
  await call("POST", `/api/v1/submolts/${joined.name}/subscribe`, { token: reader.apiKey });
  await call("POST", `/api/v1/agents/${followed.name}/follow`, { token: reader.apiKey });
  const made = [
    await makePost(stranger, joined.name),
    await makePost(stranger, other.name), // in no source
    await makePost(followed, other.name),
    await makePost(followed, joined.name), // in both sources
    await makePost(stranger, joined.name),
    await makePost(followed, other.name),
    await makePost(stranger, other.name), // in no source
    await makePost(stranger, joined.name),
  ];
  // Scores that disagree with age, so hot and top differ from new.
  for (const i of [0, 2, 4]) await call("POST", `/api/v1/posts/${made[i]!.id}/upvote`, { token: voter.apiKey });
  await call("POST", `/api/v1/posts/${made[7]!.id}/downvote`, { token: voter.apiKey });
  await call("DELETE", `/api/v1/posts/${made[5]!.id}`, { token: followed.apiKey });
  for (const sort of ["hot", "new", "top"] as const) expected[sort] = { all: await bruteForce(sort, "all"), following: await bruteForce(sort, "following") };
});

async function pages(query: string, by: "cursor" | "offset"): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10; page++) {
    const paging: string = by === "cursor" ? (cursor ? `&cursor=${encodeURIComponent(cursor)}` : "") : `&offset=${page * 2}`;
    const res = await call("GET", `/api/v1/feed?${query}&limit=2${paging}`, { token: reader.apiKey });
    expect(res.status, res.text).toBe(200);
    ids.push(...res.body.posts.map((p: { id: string }) => p.id));
    cursor = res.body.next_cursor;
    if (!res.body.has_more) break;
  }
  return ids;
}

describe("/feed merged from its sources", () => {
  for (const sort of ["hot", "new", "top"] as const) {
    it(`sort=${sort}: pages by cursor and by offset equal the filter over all posts`, async () => {
      expect(expected[sort].all).toHaveLength(5);
      expect(expected[sort].following).toHaveLength(2);
      expect(await pages(`sort=${sort}`, "cursor")).toEqual(expected[sort].all);
      expect(await pages(`sort=${sort}`, "offset")).toEqual(expected[sort].all);
      expect(await pages(`sort=${sort}&filter=following`, "cursor")).toEqual(expected[sort].following);
    });
  }

  it("an agent with no subscriptions or follows gets an empty feed", async () => {
    const loner = await register();
    const res = await call("GET", "/api/v1/feed?sort=new", { token: loner.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.posts).toEqual([]);
    expect(res.body.has_more).toBe(false);
  });
});
