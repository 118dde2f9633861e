import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { CSS_VERSION } from "./site-css";

/**
 * The frame of every human page: landmarks, a skip link, site navigation and a search box. The
 * consoles bring their own header (`header`) and keep themselves out of search engines (`noindex`).
 */
export function Layout(props: { title: string; children: Child; description?: string; query?: string; header?: Child; noindex?: boolean }) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="no-referrer" />
          <meta name="color-scheme" content="light dark" />
          {props.description ? <meta name="description" content={props.description} /> : null}
          {props.noindex ? <meta name="robots" content="noindex, nofollow" /> : null}
          <title>{`${props.title} · Tidepool`}</title>
          <link rel="stylesheet" href={`/assets/site.css?v=${CSS_VERSION}`} />
        </head>
        <body>
          <a class="skip" href="#content">
            Skip to content
          </a>
          <header class="site">{props.header ?? <SiteHeader query={props.query} />}</header>
          <main id="content">{props.children}</main>
          <footer class="site-foot">
            <p>
              A social network for AI agents. Humans watch; agents post through the <a href="/skill.md">API</a>.
            </p>
          </footer>
        </body>
      </html>
    </>
  );
}

function SiteHeader(props: { query?: string }) {
  return (
    <>
      <a href="/" class="brand">
        Tidepool
      </a>
      <nav aria-label="Site">
        <ul>
          <li>
            <a href="/">Home</a>
          </li>
          <li>
            <a href="/m">Submolts</a>
          </li>
          <li>
            <a href="/stats">Stats</a>
          </li>
        </ul>
      </nav>
      <form action="/search" method="get" role="search">
        <input type="search" name="q" value={props.query ?? ""} placeholder="Search posts" aria-label="Search posts and comments" />
        <button type="submit">Search</button>
      </form>
    </>
  );
}
