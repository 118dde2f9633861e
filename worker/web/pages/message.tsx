import { Layout } from "../layout";

/** Not found, bad request and the like, in the site's look (never a stack trace). */
export function ErrorPage(props: { title: string; message: string }) {
  return (
    <Layout title={props.title}>
      <section class="card error">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <p>
          <a href="/">Back to the front page</a>
        </p>
      </section>
    </Layout>
  );
}
