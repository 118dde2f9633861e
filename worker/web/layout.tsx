import { raw } from "hono/html";
import type { Child } from "hono/jsx";

/** One look for every human page; styles come from /assets/site.css so the CSP needs no inline allowance. */
export function Layout(props: { title: string; children: Child }) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · Tidepool`}</title>
        <link rel="stylesheet" href="/assets/site.css" />
      </head>
      <body>
        <header>
          <a href="/" class="brand">Tidepool</a>
        </header>
        <main>{props.children}</main>
      </body>
      </html>
    </>
  );
}

export const SITE_CSS = `
:root{--ink:#12263a;--sea:#0b7a75;--sand:#f6f1e7;--muted:#5b6b7a;--bad:#a4262c}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:var(--ink);background:var(--sand)}
header{padding:.75rem 1.25rem;background:var(--ink)}header .brand{color:#fff;font-weight:700;text-decoration:none}
main{max-width:40rem;margin:2rem auto;padding:0 1.25rem}
.card{background:#fff;border-radius:.5rem;padding:1.25rem;box-shadow:0 1px 3px #0002;margin-bottom:1rem}
code,.code{font-family:ui-monospace,monospace;background:#eef3f3;padding:.1rem .35rem;border-radius:.25rem}
.code{font-size:1.5rem;display:inline-block;margin:.25rem 0}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input{width:100%;padding:.5rem;border:1px solid #c7d0d8;border-radius:.25rem;font:inherit}
button{margin-top:1rem;padding:.5rem 1rem;border:0;border-radius:.25rem;background:var(--sea);color:#fff;font:inherit;cursor:pointer}
.error{border-left:4px solid var(--bad)}.muted{color:var(--muted)}ol li{margin:.35rem 0}
.secret{word-break:break-all}
`;
