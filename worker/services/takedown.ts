
/** Who takes a post or comment down: its author, a moderator of the submolt, or the network's operator. */
export type TakeDown = { by: "author" } | { by: "moderator"; agentId: string } | { by: "operator" };

/** What removed_by holds for the operator (agents are UUIDs, so it cannot collide). */
export const OPERATOR = "operator";

export const removedByOf = (who: TakeDown) => (who.by === "author" ? null : who.by === "operator" ? OPERATOR : who.agentId);

/** The audit actor: the author or moderator as `agent:<id>`, else "operator". */
export const takeDownActor = (who: TakeDown, authorId: string) =>
  who.by === "operator" ? OPERATOR : `agent:${who.by === "author" ? authorId : who.agentId}`;
