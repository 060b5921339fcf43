import { createHash } from 'node:crypto';
import { escapeHtml } from '../html.js';

/**
 * The approval pages' one stylesheet: readable on a 390 px phone (one column, large targets)
 * and on a desktop (two columns for before → after). Allowed by its hash in the CSP.
 */
const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,sans-serif;max-width:50rem;margin:0 auto;padding:1rem;color:#1f2328;line-height:1.45}
h1{font-size:1.4rem;margin:.4rem 0}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}.lede{font-size:1.05rem}code{overflow-wrap:anywhere;font-size:.9em}
dl{display:grid;grid-template-columns:10rem 1fr;gap:.35rem 1rem;margin:.5rem 0}dt{font-weight:600;color:#59636e}dd{margin:0;overflow-wrap:anywhere}
.risk{display:inline-block;padding:.05rem .5rem;border-radius:1rem;background:#cf222e;color:#fff;font-weight:700}.why{margin:.3rem 0;padding-left:1.2rem}
.compare{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}.compare section{border:1px solid #d1d9e0;border-radius:8px;padding:.6rem .9rem}
.compare h3{margin:0 0 .4rem;font-size:1rem}.now{background:#fff8f5}.after{background:#f0fff4}.arrow{display:none}
.plan{background:#f4f6f8;border-left:4px solid #0969da;padding:.6rem 1rem}ul{margin:.3rem 0;padding-left:1.2rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem;margin:0}.kv{display:grid;grid-template-columns:auto 1fr;gap:.1rem .8rem;margin:0}
.kv dt{color:#1f2328;font-weight:500}.rollback{border-left:4px solid #9a6700;background:#fff8c5;padding:.6rem 1rem}
.digest{font-family:ui-monospace,monospace;font-size:.85rem;overflow-wrap:anywhere}.countdown{font-weight:700}
.decide{margin-top:1.5rem;border:2px solid #0969da;border-radius:8px;padding:1rem}label{display:block;margin:.6rem 0 .2rem;font-weight:600}
input[type=text],textarea{width:100%;padding:.55rem;font-size:1rem;border:1px solid #8c959f;border-radius:4px}
button{margin:1rem .6rem 0 0;padding:.75rem 1.5rem;font-size:1.05rem;border:0;border-radius:6px;cursor:pointer;min-width:8rem}
.approve{background:#1a7f37;color:#fff}.reject{background:#cf222e;color:#fff}.note{color:#59636e;font-size:.9rem}
@media (max-width:40rem){dl{grid-template-columns:1fr;gap:.05rem}dd{margin-bottom:.4rem}.compare{grid-template-columns:1fr}button{width:100%;margin:.6rem 0 0}}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Headers on every approval response: no framing, no referrer, no caching, no script, nothing but our stylesheet. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
};

/** One approval page: the stylesheet inline, everything else the caller's escaped HTML. */
export function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>${escapeHtml(title)} — Rectify</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}
