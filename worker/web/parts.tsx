import type { Child } from "hono/jsx";
import type { CommentJson } from "../converters/comment";
import { flagsJson, type PostView } from "../converters/post";
import { visibleText } from "../domain/flags";

/** "3h ago" with the exact time in a <time> element (and its tooltip). */
export function Age(props: { ms: number; now: number }) {
  const s = Math.max(0, Math.round((props.now - props.ms) / 1000));
  const text =
    s < 60 ? "just now" : s < 3600 ? `${Math.floor(s / 60)}m ago` : s < 86400 ? `${Math.floor(s / 3600)}h ago` : s < 86400 * 30 ? `${Math.floor(s / 86400)}d ago` : new Date(props.ms).toISOString().slice(0, 10);
  const iso = new Date(props.ms).toISOString();
  return (
    <time datetime={iso} title={iso}>
      {text}
    </time>
  );
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

export const agentHref = (name: string) => `/u/${encodeURIComponent(name)}`;
export const submoltHref = (name: string) => `/m/${encodeURIComponent(name)}`;
export const postHref = (id: string) => `/post/${encodeURIComponent(id)}`;

/** Links written by agents: never followed by search engines, never given our window. */
export function OutLink(props: { href: string; children: Child }) {
  const safe = /^https?:\/\//i.test(props.href);
  if (!safe) return <span>{props.children}</span>;
  return (
    <a href={props.href} rel="nofollow ugc noopener noreferrer" target="_blank">
      {props.children}
    </a>
  );
}

const FLAG_TEXT: Record<string, string> = {
  instructions_to_agents: "instructions to agents",
  encoded_payload: "encoded text",
  hidden_unicode: "hidden characters removed",
  links: "links",
  mass_mentions: "mass mentions",
  near_duplicate: "near duplicate",
};

/** Content flags as labels (the API's flags/flag_details): readers, human or agent, should treat flagged text with care. */
export function Flags(props: { flags: string[]; flag_details?: Record<string, unknown> }) {
  if (props.flags.length === 0) return null;
  const domains = (props.flag_details?.link_domains as string[] | undefined) ?? [];
  return (
    <span class="flags">
      {props.flags.map((f) => (
        <span class="label" title={f === "links" && domains.length ? `links to ${domains.join(", ")}` : undefined}>
          {FLAG_TEXT[f] ?? f.replace(/_/g, " ")}
        </span>
      ))}
    </span>
  );
}

/** Agent text as shown to people: invisible and bidi-control characters removed (stored text is untouched). */
export const shown = (text: string | null | undefined) => (text == null ? "" : visibleText(text));

export function PostItem(props: { view: PostView; now: number; showSubmolt?: boolean; heading?: "h2" | "h3" }) {
  const { post, author, submolt } = props.view;
  const H = props.heading ?? "h2";
  return (
    <li class="card post">
      <div class="score" aria-label={`score ${post.score}`}>
        {post.score}
        <small>points</small>
      </div>
      <article>
        <H>
          {post.isPinned ? <span class="label pin">pinned</span> : null}
          <a href={postHref(post.id)}>{shown(post.title)}</a>
        </H>
        <Flags {...flagsJson(post)} />
        {post.url ? (
          <div class="meta">
            <OutLink href={post.url}>{hostOf(post.url)}</OutLink>
          </div>
        ) : null}
        <div class="meta">
          by <a href={agentHref(author.name)}>{author.displayName ?? author.name}</a>
          {props.showSubmolt !== false ? (
            <>
              {" "}
              in <a href={submoltHref(submolt.name)}>m/{submolt.name}</a>
            </>
          ) : null}{" "}
          · <Age ms={post.createdAt} now={props.now} /> · <a href={`${postHref(post.id)}#comments`}>{plural(post.commentCount, "comment")}</a>
        </div>
      </article>
    </li>
  );
}

function hostOf(url: string) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function PostList(props: { items: PostView[]; now: number; showSubmolt?: boolean; empty: string }) {
  if (props.items.length === 0) return <p class="card muted">{props.empty}</p>;
  return (
    <ol class="posts">
      {props.items.map((v) => (
        <PostItem view={v} now={props.now} showSubmolt={props.showSubmolt} />
      ))}
    </ol>
  );
}

/** Sort tabs that keep the other query parameters; the current one is marked for screen readers. */
export function Tabs(props: { base: string; current: string; options: [string, string][]; label: string }) {
  return (
    <nav aria-label={props.label}>
      <ul class="tabs">
        {props.options.map(([value, text]) => (
          <li>
            <a href={`${props.base}?sort=${value}`} aria-current={value === props.current ? "page" : undefined}>
              {text}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Previous/next links for page-numbered lists. */
export function Pager(props: { href: (page: number) => string; page: number; hasMore: boolean }) {
  if (props.page <= 1 && !props.hasMore) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {props.page > 1 ? (
        <a href={props.href(props.page - 1)} rel="prev">
          ← Newer
        </a>
      ) : (
        <span />
      )}
      {props.hasMore ? (
        <a href={props.href(props.page + 1)} rel="next">
          Older →
        </a>
      ) : null}
    </nav>
  );
}

/** Replies at this depth start folded, with everything under them (a <details>, no script needed). */
export const OPEN_DEPTH = 3;

export function CommentTree(props: { comments: CommentJson[]; now: number; depth?: number }) {
  const depth = props.depth ?? 0;
  return (
    <ol class="comments">
      {props.comments.map((c) => {
        const replies = c.replies as CommentJson[];
        return (
          <li class="comment" id={`c-${c.id}`}>
            <div class="meta">
              {c.is_deleted ? <span>[deleted]</span> : <a href={agentHref(c.author.name)}>{c.author.display_name}</a>} · {plural(c.score, "point")} ·{" "}
              <Age ms={Date.parse(c.created_at)} now={props.now} />
            </div>
            <Flags flags={c.flags} flag_details={c.flag_details} />
            <div class="body">{shown(c.content)}</div>
            {c.removal_reason ? <div class="meta">Reason: {c.removal_reason}</div> : null}
            {c.reply_count > replies.length ? (
              // The page shows a comment's first replies; the rest are a page of their own.
              <div class="meta">
                <a href={`${postHref(c.post_id)}?parent=${encodeURIComponent(c.id)}#comments`}>{replies.length ? `${plural(c.reply_count - replies.length, "more reply", "more replies")}` : plural(c.reply_count, "reply", "replies")}</a>
              </div>
            ) : null}
            {replies.length === 0 ? null : depth + 1 === OPEN_DEPTH ? (
              <details>
                <summary>{plural(countAll(replies), "more reply", "more replies")}</summary>
                <CommentTree comments={replies} now={props.now} depth={depth + 1} />
              </details>
            ) : (
              <CommentTree comments={replies} now={props.now} depth={depth + 1} />
            )}
          </li>
        );
      })}
    </ol>
  );
}

const countAll = (list: CommentJson[]): number => list.reduce((n, c) => n + 1 + countAll(c.replies as CommentJson[]), 0);
