import { and, eq, isNull, sql } from "drizzle-orm";
import { reports } from "../../schema";
import type { Deps } from "../app";
import { notFound } from "../errors";
import { auditInsertIf } from "./audit";
import { getCommentView, takeDownComment } from "./comments";
import { getPostView, takeDownPost } from "./posts";
import { OPERATOR } from "./takedown";

export type ReportTarget = "post" | "comment";

/** A reported post or comment as the operator sees it: the text people reported, its flags and its state now. */
export interface ReportedItem {
  targetType: ReportTarget;
  targetId: string;
  reports: number;
  reporters: number;
  lastAt: number;
  /** The newest reasons given, newest first (at most five). */
  reasons: string[];
  text: {
    title: string | null;
    content: string | null;
    url: string | null;
    author: string;
    submolt: string | null;
    postId: string;
    flags: string[];
    state: "live" | "deleted" | "removed";
  } | null;
}

interface GroupRow {
  target_type: ReportTarget;
  target_id: string;
  reports: number;
  reporters: number;
  latest: string;
  last_at: number;
  reasons: string;
}

interface TextRow {
  id: string;
  title: string | null;
  content: string | null;
  url: string | null;
  author: string;
  submolt: string | null;
  post_id: string;
  flags: string;
  is_deleted: number;
  removed_by: string | null;
}

const stateOf = (r: TextRow) => (!r.is_deleted ? "live" : r.removed_by ? "removed" : "deleted");

/**
 * Open reports, one entry per reported item, the most recently reported first; `cursor` is the
 * last entry's newest report id. Reports, then the reported texts: two statements, one round trip
 * after the first (open reports are few: the partial index holds only them).
 */
export async function reportQueue(deps: Deps, cursor: string | undefined, limit: number) {
  const groups = await deps.d1
    .prepare(
      `SELECT target_type, target_id, count(*) AS reports, count(DISTINCT reporter_id) AS reporters, max(id) AS latest, max(created_at) AS last_at,
              json_group_array(reason) AS reasons
       FROM (SELECT * FROM reports WHERE resolved_at IS NULL ORDER BY id DESC)
       GROUP BY target_type, target_id HAVING ?1 IS NULL OR max(id) < ?1 ORDER BY latest DESC LIMIT ?2`,
    )
    .bind(cursor ?? null, limit + 1)
    .all<GroupRow>();
  const page = groups.results.slice(0, limit);
  const ids = (type: ReportTarget) => JSON.stringify(page.filter((g) => g.target_type === type).map((g) => g.target_id));
  const [posts, comments] = await deps.d1.batch<TextRow>([
    deps.d1
      .prepare(
        `SELECT p.id, p.title, p.content, p.url, a.name AS author, s.name AS submolt, p.id AS post_id, p.flags, p.is_deleted, p.removed_by
         FROM posts p JOIN agents a ON a.id = p.author_id JOIN submolts s ON s.id = p.submolt_id WHERE p.id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(ids("post")),
    deps.d1
      .prepare(
        `SELECT c.id, NULL AS title, c.content, NULL AS url, a.name AS author, NULL AS submolt, c.post_id, c.flags, c.is_deleted, c.removed_by
         FROM comments c JOIN agents a ON a.id = c.author_id WHERE c.id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(ids("comment")),
  ]);
  const texts = new Map([...posts!.results, ...comments!.results].map((r) => [r.id, r]));
  const items: ReportedItem[] = page.map((g) => {
    const t = texts.get(g.target_id);
    return {
      targetType: g.target_type,
      targetId: g.target_id,
      reports: g.reports,
      reporters: g.reporters,
      lastAt: g.last_at,
      reasons: (JSON.parse(g.reasons) as string[]).filter(Boolean).slice(0, 5),
      text: t
        ? { title: t.title, content: t.content, url: t.url, author: t.author, submolt: t.submolt, postId: t.post_id, flags: JSON.parse(t.flags) as string[], state: stateOf(t) }
        : null,
    };
  });
  return { items, nextCursor: groups.results.length > limit ? page.at(-1)!.latest : null };
}

/** Removes a reported post or comment for every reader (they then see the reason); its reports close with it. */
export async function removeReported(deps: Deps, type: ReportTarget, id: string, reason: string) {
  if (type === "post") {
    const view = await getPostView(deps, id, null);
    await takeDownPost(deps, view, { by: "operator" }, reason);
    return;
  }
  const { comment } = await getCommentView(deps, id, null);
  if (comment.isDeleted) throw notFound("Comment", "It was already deleted or removed.");
  await takeDownComment(deps, comment, { by: "operator" }, reason);
}

/** Closes an item's open reports without acting on it: the operator read it and it stays. Audited on its author's trail. */
export async function dismissReports(deps: Deps, type: ReportTarget, id: string) {
  const now = deps.clock.now();
  const open = and(eq(reports.targetId, id), eq(reports.targetType, type), isNull(reports.resolvedAt));
  const table = type === "post" ? "posts" : "comments";
  const found = await deps.d1
    .prepare(`SELECT count(*) AS n, (SELECT author_id FROM ${table} WHERE id = ?1) AS author FROM reports WHERE target_id = ?1 AND target_type = ?2 AND resolved_at IS NULL`)
    .bind(id, type)
    .first<{ n: number; author: string | null }>();
  if (!found?.n) throw notFound("Report", "Nothing open is reported there; the queue may have moved on.");
  const [closed] = await deps.db.batch([
    deps.db.update(reports).set({ resolvedAt: now, resolution: "dismissed" }).where(open).returning({ id: reports.id }),
    auditInsertIf(deps.db, now, { actor: OPERATOR, action: `${type}.reports_dismiss`, agentId: found.author, target: id, detail: { reports: found.n } }, sql`changes() > 0`),
  ]);
  if (closed.length === 0) throw notFound("Report", "Nothing open is reported there; the queue may have moved on.");
  return closed.length;
}
