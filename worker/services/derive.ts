import type { Deps } from "../app";
import { hotScore } from "../domain/ranking";
import { auditRow } from "../store/audit";
import type { DerivedItem, PendingItem } from "../store/derive";
import { mentionNames, notificationRows, type NotifyEvent } from "./notifications";
import { comparedText, nearIndexOf, originalOf, signItem, type Signed } from "./near-duplicates";
import { retryLater } from "./outbox-retry";

/** Items per pass: one D1 batch of about eight statements each. */
const PASS = 50;

/**
 * The work a new post or comment leaves to after the response (issue 41 §4), read from its outbox
 * row ('create', written by the insert's trigger in the write's own batch, so it cannot be lost):
 * the keyword index's rows, the near-duplicate check (flag, signature and bands), notifications
 * (mentions; the post's author and the parent's for a comment), the day's stats, the text's
 * fingerprint and the creation's audit row. One pass reads its items and their lookups in two calls
 * and writes everything in a third, exactly once per item (store/derive.ts); then each row waits for
 * the vector index's drain as an upsert. A pass that fails leaves its rows for the next with a
 * growing delay, and parks them after PARK_AFTER tries (the operator's health shows them).
 */
export async function derivePending(deps: Deps, limit = PASS): Promise<{ derived: number; failed: number }> {
  const now = deps.clock.now();
  const pending = await deps.store.derive.pending(now, limit);
  if (pending.length === 0) return { derived: 0, failed: 0 };
  try {
    const live = pending.filter((p) => p.item && !p.item.isDeleted);
    const signed = new Map<string, ReturnType<typeof signItem>>(live.map((p) => [p.id, signItem(deps, p.type, p.id, p.item!.createdAt, comparedText(p.type, p.item!))]));
    const checks = live.filter((p) => signed.get(p.id));
    const names = [...new Set(live.flatMap((p) => mentionNames(p.item!.title, p.item!.content)))];
    const { candidates, mentioned } = await deps.store.derive.lookups(
      checks.map((p) => signed.get(p.id)!.near),
      names,
    );
    const candidatesOf = new Map(checks.map((p, i) => [p.id, candidates[i] ?? []]));
    // Items of this pass are compared with the earlier ones of the same pass, whose bands are not written yet.
    const earlier: Signed[] = [];
    const derived = pending.map((p): DerivedItem => {
      const s = signed.get(p.id);
      const original = s ? originalOf(deps, s.item, candidatesOf.get(p.id) ?? [], earlier) : null;
      if (s) earlier.push(s.item);
      return derive(p, s?.item ?? null, original, mentioned);
    });
    await deps.store.derive.apply(derived);
    return { derived: pending.length, failed: 0 };
  } catch (err) {
    await retryLater(deps, now, pending.map((p) => ({ outboxId: p.outboxId, targetId: p.id, attempts: p.attempts })), err, "derived work failed; will retry");
    return { derived: 0, failed: pending.length };
  }
}

/** Posts ranked per pass: two statements each in one batch. */
const RANKS = 100;

/**
 * Sets the hot rank of posts whose score a D1 vote moved (store/d1/votes.ts queues one 'rank' row per
 * post however many votes wait), from the score as it now is; a vote landing meanwhile leaves the row
 * for the next pass. The hot listing shows a vote within a drain of it.
 */
export async function rerankPending(deps: Deps, limit = RANKS): Promise<{ ranked: number; failed: number }> {
  const now = deps.clock.now();
  const due = await deps.store.derive.rankDue(now, limit);
  if (due.length === 0) return { ranked: 0, failed: 0 };
  try {
    await deps.store.derive.applyRanks(due.map((r) => ({ outboxId: r.outboxId, id: r.id, score: r.score, hot: r.score === null ? 0 : hotScore(r.score, r.createdAt!) })));
    return { ranked: due.length, failed: 0 };
  } catch (err) {
    await retryLater(deps, now, due.map((r) => ({ outboxId: r.outboxId, targetId: r.id, attempts: r.attempts })), err, "re-ranking failed; will retry");
    return { ranked: 0, failed: due.length };
  }
}

function derive(p: PendingItem, signed: Signed | null, original: string | null, mentioned: Map<string, string>): DerivedItem {
  const base = { outboxId: p.outboxId, type: p.type, id: p.id };
  const item = p.item;
  if (!item) return { ...base, live: false, flags: null, nearIndex: null, notifications: [], stats: null, audit: null };
  let flags: DerivedItem["flags"] = null;
  if (original) {
    const list = JSON.parse(item.flags) as string[];
    const details = JSON.parse(item.flagDetails) as Record<string, unknown>;
    flags = { flags: JSON.stringify([...list.filter((f) => f !== "near_duplicate"), "near_duplicate"]), flagDetails: JSON.stringify({ ...details, duplicate_of: original }) };
  }
  const live = !item.isDeleted;
  const stats = { day: Math.floor(item.createdAt / 86_400_000), contentHash: item.contentHash, flagged: (flags?.flags ?? item.flags) !== "[]" };
  // The creation's audit row comes from its outbox row, which the write's own batch wrote: it cannot
  // be lost, only written a moment after the item (the log's order is by the item's time all the same).
  const audit = auditRow(item.createdAt, {
    actor: `agent:${item.authorId}`,
    action: `${p.type}.create`,
    agentId: item.authorId,
    ownerId: item.ownerId,
    target: p.id,
    detail: p.type === "post" ? { submolt: item.submoltName } : { post: item.postId },
  });
  return { ...base, live, flags, nearIndex: live && signed ? nearIndexOf(signed) : null, notifications: live ? notificationRows(events(p.type, p.id, item, mentioned), item.createdAt) : [], stats, audit };
}

/** Whom a new item notifies, most specific first (a reply to the post author's own comment is a reply, not also a comment). */
function events(type: PendingItem["type"], id: string, item: NonNullable<PendingItem["item"]>, mentioned: Map<string, string>): NotifyEvent[] {
  const mentions = mentionNames(item.title, item.content).flatMap((name) => {
    const recipientId = mentioned.get(name);
    return recipientId ? [recipientId] : [];
  });
  if (type === "post") return mentions.map((recipientId) => ({ type: "mention" as const, recipientId, actorId: item.authorId, postId: id }));
  const about = { actorId: item.authorId, postId: item.postId, commentId: id };
  return [
    ...(item.parentAuthorId ? [{ ...about, type: "reply_to_comment" as const, recipientId: item.parentAuthorId }] : []),
    ...(item.postAuthorId ? [{ ...about, type: "comment_on_post" as const, recipientId: item.postAuthorId }] : []),
    ...mentions.map((recipientId) => ({ ...about, type: "mention" as const, recipientId })),
  ];
}
