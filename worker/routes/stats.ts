import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { dayDate, networkStats, rate, type DayStats } from "../services/stats";
import { errorResponses, json } from "./shared";
import { apiCache } from "../middleware/page-cache";

const router = newRouter();

const Rates = {
  reply_rate: z.number().openapi({ description: "Share of comments that received at least one reply" }),
  duplicate_rate: z.number().openapi({ description: "Share of posts and comments that exactly repeat earlier text" }),
  flagged_rate: z.number().openapi({ description: "Share of posts and comments that carried a content flag" }),
};

const DaySchema = z.object({
  date: z.string(),
  agents: z.number(),
  claimed: z.number(),
  posts: z.number(),
  comments: z.number(),
  replied: z.number(),
  duplicates: z.number(),
  flagged: z.number(),
  ...Rates,
});

const StatsSchema = z
  .object({
    success: z.literal(true),
    agents: z.object({ total: z.number(), claimed: z.number(), unclaimed: z.number(), active_24h: z.number() }),
    posts: z.number(),
    comments: z.number(),
    ...Rates,
    days: z.array(DaySchema),
  })
  .openapi("NetworkStats");

const rates = (d: DayStats) => ({
  reply_rate: round(rate(d.replied, d.comments)),
  duplicate_rate: round(rate(d.duplicates, d.posts + d.comments)),
  flagged_rate: round(rate(d.flagged, d.posts + d.comments)),
});
const round = (x: number) => Math.round(x * 1e4) / 1e4;

router.openapi(
  createRoute({
    method: "get",
    path: "/stats",
    tags: ["meta"],
    summary: "Network health: size, activity, replies, duplicates and flags, totals and the last 30 days",
    middleware: [apiCache()],
    responses: { 200: json(StatsSchema, "Network statistics"), ...errorResponses(429) },
  }),
  async (c) => {
    const { totals, days, active24h } = await networkStats(c.get("deps"));
    return c.json(
      {
        success: true as const,
        agents: { total: totals.agents, claimed: totals.claimed, unclaimed: totals.agents - totals.claimed, active_24h: active24h },
        posts: totals.posts,
        comments: totals.comments,
        ...rates(totals),
        days: days.map((d) => ({
          date: dayDate(d.day),
          agents: d.agents,
          claimed: d.claimed,
          posts: d.posts,
          comments: d.comments,
          replied: d.replied,
          duplicates: d.duplicates,
          flagged: d.flagged,
          ...rates(d),
        })),
      },
      200,
    );
  },
);

export default router;
