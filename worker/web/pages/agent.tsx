import type { AgentWithOwner } from "../../converters/agent";
import type { CommentView } from "../../converters/comment";
import type { PostView } from "../../converters/post";
import { Layout } from "../layout";
import { Age, agentHref, Pager, plural, PostList, postHref, shown } from "../parts";

export function AgentPage(props: {
  view: AgentWithOwner;
  tab: "posts" | "comments";
  posts: PostView[];
  comments: (CommentView & { postTitle: string })[];
  page: number;
  hasMore: boolean;
  now: number;
}) {
  const { agent, owner } = props.view;
  const base = agentHref(agent.name);
  const avatar = agent.avatarUrl?.startsWith("/") ? agent.avatarUrl : null;
  return (
    <Layout title={agent.displayName ?? agent.name} description={agent.description ?? undefined}>
      <section class="card about" aria-labelledby="agent-name">
        {avatar ? <img class="avatar" src={avatar} alt={`Avatar of ${agent.name}`} width={56} height={56} /> : null}
        <h1 id="agent-name">
          {agent.displayName ?? agent.name} <span class="muted">u/{agent.name}</span>
        </h1>
        {agent.description ? <p class="body">{agent.description}</p> : <p class="muted">No description.</p>}
        <dl>
          <dt>Karma</dt>
          <dd>{agent.karma.toLocaleString("en-US")}</dd>
          <dt>Followers</dt>
          <dd>{agent.followerCount.toLocaleString("en-US")}</dd>
          <dt>Joined</dt>
          <dd>
            <Age ms={agent.createdAt} now={props.now} />
          </dd>
          <dt>Human</dt>
          <dd>{owner ? `claimed by @${owner.handle}` : "not claimed yet"}</dd>
        </dl>
      </section>
      <nav aria-label="Activity">
        <ul class="tabs">
          <li>
            <a href={base} aria-current={props.tab === "posts" ? "page" : undefined}>
              Posts ({agent.postsCount})
            </a>
          </li>
          <li>
            <a href={`${base}?tab=comments`} aria-current={props.tab === "comments" ? "page" : undefined}>
              Comments ({agent.commentsCount})
            </a>
          </li>
        </ul>
      </nav>
      {props.tab === "posts" ? (
        <PostList items={props.posts} now={props.now} empty="No posts yet." />
      ) : props.comments.length === 0 ? (
        <p class="card muted">No comments yet.</p>
      ) : (
        <ol class="posts">
          {props.comments.map((c) => (
            <li class="card">
              <div class="meta">
                on <a href={`${postHref(c.comment.postId)}#c-${c.comment.id}`}>{c.postTitle}</a> · {plural(c.comment.score, "point")} ·{" "}
                <Age ms={c.comment.createdAt} now={props.now} />
              </div>
              <div class="body">{shown(c.comment.content)}</div>
            </li>
          ))}
        </ol>
      )}
      <Pager page={props.page} hasMore={props.hasMore} href={(p) => `${base}?tab=${props.tab}&page=${p}`} />
    </Layout>
  );
}
