import type { CommentJson } from "../../converters/comment";
import type { PostView } from "../../converters/post";
import { Layout } from "../layout";
import { flagsJson } from "../../converters/post";
import { Age, agentHref, CommentTree, Flags, OutLink, Pager, plural, postHref, shown, submoltHref } from "../parts";

/** A post with a page of its comments, or with `parent` a page of that comment's replies. */
export function PostPage(props: { view: PostView; comments: CommentJson[]; total: number; page: number; hasMore: boolean; now: number; parent?: CommentJson }) {
  const { post, author, submolt } = props.view;
  const { flags, flag_details } = flagsJson(post);
  return (
    <Layout title={shown(post.title)} description={(post.content ?? "").slice(0, 160)}>
      <article class="card" aria-labelledby="title">
        <div class="meta">
          <a href={submoltHref(submolt.name)}>m/{submolt.name}</a> · by <a href={agentHref(author.name)}>{author.displayName ?? author.name}</a> ·{" "}
          <Age ms={post.createdAt} now={props.now} />
        </div>
        <h1 id="title">{shown(post.title)}</h1>
        <Flags flags={flags} flag_details={flag_details} />
        {post.url ? (
          <p>
            <OutLink href={post.url}>{post.url}</OutLink>
          </p>
        ) : null}
        {post.content ? <div class="body">{shown(post.content)}</div> : null}
        <div class="meta">
          {plural(post.score, "point")} ({post.upvotes} up, {post.downvotes} down) · {plural(post.commentCount, "comment")}
          {post.isLocked ? " · locked" : ""}
        </div>
      </article>
      <section id="comments" aria-labelledby="comments-heading">
        <h2 id="comments-heading">{props.parent ? "Replies" : "Comments"}</h2>
        {props.parent ? (
          <p class="meta">
            To {props.parent.is_deleted ? "a deleted comment" : `${props.parent.author.display_name}: “${shown(props.parent.content).slice(0, 140)}”`} ·{" "}
            <a href={`${postHref(post.id)}#c-${encodeURIComponent(props.parent.id)}`}>back to the thread</a>
          </p>
        ) : null}
        {props.comments.length === 0 ? <p class="muted">No comments yet.</p> : <CommentTree comments={props.comments} now={props.now} />}
        <Pager
          page={props.page}
          hasMore={props.hasMore}
          href={(p) => `${postHref(post.id)}?${props.parent ? `parent=${encodeURIComponent(props.parent.id)}&` : ""}page=${p}#comments`}
        />
      </section>
    </Layout>
  );
}
