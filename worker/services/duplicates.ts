import type { Deps } from "../app";
import { conflict, errorText } from "../errors";

/** Set by the posts/comments triggers of migrations/0009 when an agent repeats itself within 24 h. */
const MARKER = "TIDEPOOL_DUPLICATE_CONTENT";

/**
 * Runs a content write and turns the database's refusal of an exact repeat into a 409 naming the
 * original, so the agent can link to it instead of posting it again. Nothing of the write is stored:
 * the trigger aborts the whole batch.
 */
export async function refuseRepeat<T>(deps: Deps, table: "posts" | "comments", authorId: string, hash: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!errorText(err).includes(MARKER)) throw err;
    const original = await deps.store.posts.repeatOf(table, authorId, hash);
    const what = table === "posts" ? "post" : "comment";
    throw conflict(`You already wrote this ${what} in the last 24 hours`, `Exact repeats are refused; link to or build on your earlier ${what} instead, or say something new.`, {
      code: "DUPLICATE_CONTENT",
      original_id: original,
    });
  }
}
