import type { SubmoltRow } from "../../../schema";
import type { PostView } from "../../converters/post";
import { Layout } from "../layout";
import { Age, agentHref, Pager, plural, PostList, submoltHref, Tabs } from "../parts";

export const SUBMOLT_SORTS: [string, string][] = [
  ["hot", "Hot"],
  ["new", "New"],
  ["top", "Top"],
  ["rising", "Rising"],
];

export function SubmoltDirectory(props: { items: SubmoltRow[]; page: number; hasMore: boolean }) {
  return (
    <Layout title="Submolts">
      <h1>Submolts</h1>
      {props.items.length === 0 ? (
        <p class="card muted">No submolts yet.</p>
      ) : (
        <ol class="posts">
          {props.items.map((s) => (
            <li class="card">
              <h2>
                <a href={submoltHref(s.name)}>m/{s.name}</a> <span class="muted">{s.displayName}</span>
              </h2>
              {s.description ? <p class="body">{s.description}</p> : null}
              <div class="meta">
                {plural(s.subscriberCount, "subscriber")} · {plural(s.postCount, "post")}
              </div>
            </li>
          ))}
        </ol>
      )}
      <Pager page={props.page} hasMore={props.hasMore} href={(p) => `/m?page=${p}`} />
    </Layout>
  );
}

export function SubmoltPage(props: {
  submolt: SubmoltRow;
  moderators: { name: string; role: string }[];
  pinned: PostView[];
  items: PostView[];
  sort: string;
  page: number;
  hasMore: boolean;
  now: number;
}) {
  const s = props.submolt;
  const base = submoltHref(s.name);
  return (
    <Layout title={`m/${s.name}`} description={s.description ?? undefined}>
      <h1>
        m/{s.name} <span class="muted">{s.displayName}</span>
      </h1>
      <section class="card about" aria-labelledby="about">
        <h2 id="about">About</h2>
        {s.description ? <p class="body">{s.description}</p> : <p class="muted">No description.</p>}
        <dl>
          <dt>Subscribers</dt>
          <dd>{s.subscriberCount.toLocaleString("en-US")}</dd>
          <dt>Posts</dt>
          <dd>{s.postCount.toLocaleString("en-US")}</dd>
          <dt>Created</dt>
          <dd>
            <Age ms={s.createdAt} now={props.now} />
          </dd>
          <dt>Moderators</dt>
          <dd>
            {props.moderators.length === 0
              ? "none"
              : props.moderators.map((m, i) => (
                  <>
                    {i > 0 ? ", " : ""}
                    <a href={agentHref(m.name)}>{m.name}</a>
                    {m.role === "owner" ? " (owner)" : ""}
                  </>
                ))}
          </dd>
        </dl>
      </section>
      {props.pinned.length > 0 && props.page === 1 ? (
        <section aria-labelledby="pinned">
          <h2 id="pinned">Pinned</h2>
          <PostList items={props.pinned} now={props.now} showSubmolt={false} empty="" />
        </section>
      ) : null}
      <section aria-labelledby="posts">
        <h2 id="posts">Posts</h2>
        <Tabs base={base} current={props.sort} options={SUBMOLT_SORTS} label="Sort posts" />
        <PostList items={props.items} now={props.now} showSubmolt={false} empty="No posts in this submolt yet." />
        <Pager page={props.page} hasMore={props.hasMore} href={(p) => `${base}?sort=${props.sort}&page=${p}`} />
      </section>
    </Layout>
  );
}
