import type { Deps } from "../app";
import { notFound } from "../errors";
import { auditRow } from "../store/audit";
import type { ReportedText, ReportTarget } from "../store/reports";
import { getCommentView, takeDownComment } from "./comments";
import { getPostView, takeDownPost } from "./posts";
import { OPERATOR } from "./takedown";

export type { ReportTarget };

/** A reported post or comment as the operator sees it: the text people reported, its flags and its state now. */
export interface ReportedItem {
  targetType: ReportTarget;
  targetId: string;
  reports: number;
  reporters: number;
  lastAt: number;
  /** The newest reasons given, newest first (at most five). */
  reasons: string[];
  text: (Omit<ReportedText, "id" | "flags" | "isDeleted" | "removedBy"> & { flags: string[]; state: "live" | "deleted" | "removed" }) | null;
}

const stateOf = (r: ReportedText) => (!r.isDeleted ? "live" : r.removedBy ? "removed" : "deleted");

/**
 * Open reports, one entry per reported item, the most recently reported first; `cursor` is the
 * last entry's newest report id. Reports, then the reported texts: two calls (open reports are
 * few: the partial index holds only them).
 */
export async function reportQueue(deps: Deps, cursor: string | undefined, limit: number) {
  const groups = await deps.store.reports.groups(cursor, limit + 1);
  const page = groups.slice(0, limit);
  const ids = (type: ReportTarget) => page.filter((g) => g.targetType === type).map((g) => g.targetId);
  const texts = new Map((await deps.store.reports.texts(ids("post"), ids("comment"))).map((r) => [r.id, r]));
  const items: ReportedItem[] = page.map((g) => {
    const t = texts.get(g.targetId);
    return {
      targetType: g.targetType,
      targetId: g.targetId,
      reports: Number(g.reports),
      reporters: Number(g.reporters),
      lastAt: g.lastAt,
      reasons: (JSON.parse(g.reasons) as string[]).filter(Boolean).slice(0, 5),
      text: t
        ? { title: t.title, content: t.content, url: t.url, author: t.author, submolt: t.submolt, postId: t.postId, flags: JSON.parse(t.flags) as string[], state: stateOf(t) }
        : null,
    };
  });
  return { items, nextCursor: groups.length > limit ? page.at(-1)!.latest : null };
}

/** Removes a reported post or comment for every reader (they then see the reason); its reports close with it. */
export async function removeReported(deps: Deps, type: ReportTarget, id: string, reason: string) {
  if (type === "post") {
    const view = await getPostView(deps, id, null);
    await takeDownPost(deps, view, { by: "operator" }, reason);
    return;
  }
  const view = await getCommentView(deps, id, null);
  if (view.comment.isDeleted) throw notFound("Comment", "It was already deleted or removed.");
  await takeDownComment(deps, view, { by: "operator" }, reason);
}

/** Closes an item's open reports without acting on it: the operator read it and it stays. Audited on its author's trail. */
export async function dismissReports(deps: Deps, type: ReportTarget, id: string) {
  const now = deps.clock.now();
  const found = await deps.store.reports.open(type, id);
  const gone = () => notFound("Report", "Nothing open is reported there; the queue may have moved on.");
  if (!found.n) throw gone();
  const audit = auditRow(now, { actor: OPERATOR, action: `${type}.reports_dismiss`, agentId: found.author, target: id, detail: { reports: found.n } });
  if (!(await deps.store.reports.dismiss(type, id, now, audit))) throw gone();
  return found.n;
}
