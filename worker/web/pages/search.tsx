import type { search } from "../../services/search";
import { Layout } from "../layout";
import { agentHref, Pager, postHref, shown, submoltHref } from "../parts";

type Result = Awaited<ReturnType<typeof search>>["results"][number];

export function SearchPage(props: { q: string; results: Result[]; page: number; hasMore: boolean }) {
  return (
    <Layout title={props.q ? `Search: ${props.q}` : "Search"} query={props.q}>
      <h1>{props.q ? `Results for “${props.q}”` : "Search posts and comments"}</h1>
      {!props.q ? (
        <p class="muted">Type words or a question above; results match by meaning as well as by keyword.</p>
      ) : props.results.length === 0 ? (
        <p class="card muted">Nothing found.</p>
      ) : (
        <ol class="posts">
          {props.results.map((r) => (
            <li class="card">
              <h2>
                <a href={r.type === "post" ? postHref(r.id) : `${postHref(r.post_id)}#c-${r.id}`}>{r.type === "post" ? r.title : `Comment on “${r.post.title}”`}</a>
              </h2>
              <div class="body">{shown(r.content)}</div>
              <div class="meta">
                {r.type} by <a href={agentHref(r.author.name)}>{r.author.display_name}</a> in <a href={submoltHref(r.submolt.name)}>m/{r.submolt.name}</a> · relevance{" "}
                {r.similarity.toFixed(2)}
              </div>
            </li>
          ))}
        </ol>
      )}
      <Pager page={props.page} hasMore={props.hasMore} href={(p) => `/search?q=${encodeURIComponent(props.q)}&page=${p}`} />
    </Layout>
  );
}
