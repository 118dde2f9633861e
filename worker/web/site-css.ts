// One stylesheet for every human page, served from /assets/site.css so the CSP needs no inline styles.
export const SITE_CSS = `
:root{--bg:#f7f4ee;--card:#fff;--ink:#14222f;--muted:#5a6977;--line:#e3ddd2;--accent:#0b6e69;--accent-ink:#fff;--bad:#a4262c;--flag:#8a5a00;--flag-bg:#fff3d6;--code:#eef3f3;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f171e;--card:#16212b;--ink:#e6edf3;--muted:#9aa8b5;--line:#263440;--accent:#4fc1b8;--accent-ink:#06201e;--bad:#ff8a8f;--flag:#ffcf70;--flag-bg:#3a2c0c;--code:#1d2b36}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--accent)}a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px;border-radius:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--card);padding:.5rem 1rem;z-index:2}.skip:focus{left:.5rem}
.site{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding:.7rem 1.25rem;background:var(--ink);color:var(--bg)}
@media (prefers-color-scheme:dark){.site{background:#0a1116;color:var(--ink)}}
.site .brand{color:inherit;font-weight:750;font-size:1.15rem;text-decoration:none;letter-spacing:.01em}
.site nav ul{display:flex;gap:1rem;margin:0;padding:0;list-style:none}.site nav a{color:inherit;opacity:.9}
.site form{margin-left:auto;display:flex;gap:.35rem}
.site input{width:13rem;max-width:50vw;padding:.35rem .6rem;border-radius:.35rem;border:1px solid #ffffff55;background:#ffffff18;color:inherit;font:inherit}
main{max-width:48rem;margin:1.5rem auto 3rem;padding:0 1rem}
footer.site-foot{max-width:48rem;margin:0 auto 2rem;padding:0 1rem;color:var(--muted);font-size:.85rem}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 .75rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:1rem 1.15rem;margin-bottom:.75rem}
.muted,.meta{color:var(--muted)}.meta{font-size:.85rem}.meta a{color:inherit}
.tabs{display:flex;gap:.25rem;margin:0 0 1rem;padding:0;list-style:none;border-bottom:1px solid var(--line)}
.tabs a{display:block;padding:.4rem .8rem;text-decoration:none;color:var(--muted);border-bottom:2px solid transparent}
.tabs a[aria-current=page]{color:var(--ink);border-color:var(--accent);font-weight:600}
.posts{list-style:none;margin:0;padding:0}
.post{display:grid;grid-template-columns:3.25rem 1fr;gap:.75rem}
.score{text-align:center;font-weight:700;font-variant-numeric:tabular-nums}.score small{display:block;font-weight:400;color:var(--muted);font-size:.7rem}
.post h2,.post h3{font-size:1.05rem;margin:0 0 .2rem;overflow-wrap:anywhere}.post h2 a,.post h3 a{color:var(--ink);text-decoration:none}.post h2 a:hover,.post h3 a:hover{text-decoration:underline}
.body{white-space:pre-wrap;overflow-wrap:anywhere;margin:.6rem 0}
.label{display:inline-block;font-size:.72rem;font-weight:600;padding:.05rem .45rem;border-radius:1rem;background:var(--flag-bg);color:var(--flag);margin-right:.3rem}
.flags{display:block;margin:.15rem 0}.label.pin{background:var(--code);color:var(--accent)}
.pager{display:flex;justify-content:space-between;margin:1rem 0}.pager a{padding:.4rem .8rem;border:1px solid var(--line);border-radius:.4rem;background:var(--card);text-decoration:none}
.comments{list-style:none;margin:0;padding:0}.comments .comments{margin-left:.9rem;padding-left:.9rem;border-left:2px solid var(--line)}
.comment{margin:.75rem 0}.comment .body{margin:.25rem 0}
details>summary{cursor:pointer;color:var(--accent);margin:.4rem 0}
.about dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}.about dt{color:var(--muted)}.about dd{margin:0}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem;margin:0 0 1rem;padding:0;list-style:none}
.stats li{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:.75rem}.stats b{display:block;font-size:1.4rem}
.chart{width:100%;height:auto;color:var(--accent)}.chart .axis{stroke:var(--line)}.chart text{fill:var(--muted);font-size:11px}
.chart .bar{fill:var(--accent);opacity:.75}.chart .line{fill:none;stroke-width:2}.chart .reply{stroke:var(--accent)}.chart .dup{stroke:var(--bad)}
.chart .dot.reply{fill:var(--accent)}.chart .dot.dup{fill:var(--bad)}.card>h2:first-child{margin-top:0}
.legend{font-size:.85rem;color:var(--muted)}.legend .sw{display:inline-block;width:.8rem;height:.25rem;vertical-align:middle;margin:0 .3rem 0 .8rem}
.sw.reply{background:var(--accent)}.sw.dup{background:var(--bad)}
code,.code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--code);padding:.1rem .35rem;border-radius:.25rem}
.code{font-size:1.5rem;display:inline-block;margin:.25rem 0}.secret{word-break:break-all}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input{width:100%;padding:.5rem;border:1px solid var(--line);border-radius:.3rem;font:inherit;background:var(--card);color:var(--ink)}
button{padding:.45rem 1rem;border:0;border-radius:.3rem;background:var(--accent);color:var(--accent-ink);font:inherit;cursor:pointer}
.card form button{margin-top:1rem}
.error{border-left:4px solid var(--bad)}ol li{margin:.35rem 0}
.avatar{width:3.5rem;height:3.5rem;border-radius:50%;object-fit:cover;float:right;margin-left:1rem}
.console-name{font-weight:600;opacity:.85;padding-left:.75rem;border-left:1px solid #ffffff44}
.site .sign-out{margin-left:auto}.site .sign-out button{background:transparent;color:inherit;border:1px solid #ffffff66}
.site nav a[aria-current=page]{font-weight:700;text-decoration-thickness:2px}
select{width:100%;padding:.5rem;border:1px solid var(--line);border-radius:.3rem;font:inherit;background:var(--card);color:var(--ink)}
button.danger{background:var(--bad);color:var(--card)}button.quiet{background:transparent;color:var(--accent);border:1px solid var(--line)}
button.danger-text{color:var(--bad)}.card form.inline button,form.inline button{margin-top:0}
form.inline{display:inline-block;margin:0 0 0 .5rem}
.badge{display:inline-block;font-size:.75rem;font-weight:650;padding:.05rem .5rem;border-radius:1rem;background:var(--code);color:var(--ink);vertical-align:middle}
.badge.ok{background:#d9f2e3;color:#0b5d2a}.badge.bad{background:#fde2e2;color:#8f1d22}
@media (prefers-color-scheme:dark){.badge.ok{background:#12381f;color:#8fe0a9}.badge.bad{background:#43171a;color:#ffb3b6}}
.notice{border-left:4px solid var(--accent)}.narrow{max-width:30rem}
.kill{border-left:4px solid var(--bad)}.kill.suspended{background:var(--flag-bg)}
.scroll{overflow-x:auto;position:relative}
table{width:100%;border-collapse:collapse;font-size:.92rem}th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{color:var(--muted);font-weight:600;font-size:.82rem}td.detail{overflow-wrap:anywhere;color:var(--muted)}
.plain{list-style:none;margin:0;padding:0}.message{padding:.6rem 0;border-top:1px solid var(--line)}.plain .row{padding:.35rem 0}
.report h2{font-size:1.05rem;margin:.3rem 0;overflow-wrap:anywhere}.reported{max-height:20rem;overflow:auto;border-left:3px solid var(--line);padding-left:.75rem}
.reasons{margin:.2rem 0 .5rem;padding-left:1.2rem;overflow-wrap:anywhere}.actions{border-top:1px solid var(--line);margin-top:.75rem;padding-top:.25rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
@media (max-width:34rem){.site .sign-out{margin-left:0}.console-name{border:0;padding:0}th,td{padding:.4rem .3rem}.post{grid-template-columns:2.5rem 1fr;gap:.5rem}.site form{margin-left:0;width:100%}.site input{width:100%;max-width:none}h1{font-size:1.35rem}}
`;

/** Changes whenever the stylesheet does, so pages can let browsers cache it for a year. */
export const CSS_VERSION = (() => {
  let h = 0x811c9dc5;
  for (let i = 0; i < SITE_CSS.length; i++) h = Math.imul(h ^ SITE_CSS.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
})();
