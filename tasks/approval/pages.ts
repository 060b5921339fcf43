import { createHash } from 'node:crypto';
import { escapeHtml } from '../html.js';

export { escapeHtml };

/**
 * The approval pages: plain HTML, no script, one inline stylesheet allowed by its hash.
 * Everything interpolated is escaped — finding titles and resource ids come from outside.
 */
const STYLE = `body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:11rem 1fr;gap:.3rem 1rem}dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}.risk{font-weight:700}.plan{background:#f4f6f8;border-left:4px solid #0969da;padding:.6rem 1rem}
form{margin-top:1.5rem}label{display:block;margin:.6rem 0 .2rem}input[type=text],textarea{width:100%;box-sizing:border-box;padding:.4rem}
button{margin:1rem .6rem 0 0;padding:.6rem 1.4rem;font-size:1rem;border:0;border-radius:4px;cursor:pointer}
.approve{background:#1f883d;color:#fff}.reject{background:#cf222e;color:#fff}.note{color:#57606a;font-size:.9rem}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Headers on every approval response: no framing, no referrer, no caching, nothing but our stylesheet. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
};

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>${escapeHtml(title)} — Rectify</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

export interface ApprovalView {
  readonly approvalId: string;
  readonly title: string;
  readonly controlId: string;
  readonly resourceId: string;
  readonly account: string;
  readonly region: string;
  readonly risk: string;
  readonly riskReasons: readonly string[];
  readonly playbookId: string;
  /** The impact of this plan and why (absent on requests stored before plans carried one). */
  readonly impact?: { readonly level: string; readonly why: string };
  readonly plan: { summary: string; changes: readonly string[] };
  readonly expiresAt: string;
}

/** The page a GET shows: everything a reviewer needs, and a form that changes nothing until POSTed. */
export function approvalPage(view: ApprovalView, form: { exp: number; sig: string; csrf: string }): string {
  return layout(
    `Approve ${view.controlId}`,
    `<h1>Rectify asks for your approval</h1>
<dl>
<dt>Finding</dt><dd>${escapeHtml(view.title)} (${escapeHtml(view.controlId)})</dd>
<dt>Resource</dt><dd id="resource">${escapeHtml(view.resourceId)}</dd>
<dt>Account / region</dt><dd>${escapeHtml(view.account)} / ${escapeHtml(view.region)}</dd>
<dt>Risk</dt><dd><span class="risk" id="risk">${escapeHtml(view.risk)}</span> — ${escapeHtml(view.riskReasons.join('; '))}</dd>
<dt>Playbook</dt><dd>${escapeHtml(view.playbookId)}</dd>
${view.impact ? `<dt>Impact</dt><dd id="impact">${escapeHtml(view.impact.level)} — ${escapeHtml(view.impact.why)}</dd>` : ''}
<dt>Expires</dt><dd id="expires">${escapeHtml(view.expiresAt)}</dd>
</dl>
<h2>Planned change</h2>
<div class="plan" id="plan"><p>${escapeHtml(view.plan.summary)}</p><ul>${view.plan.changes.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul></div>
<form method="post">
<input type="hidden" name="exp" value="${form.exp}"><input type="hidden" name="sig" value="${escapeHtml(form.sig)}">
<input type="hidden" name="csrf" value="${escapeHtml(form.csrf)}">
<label for="name">Your name (required; recorded with the decision)</label><input type="text" id="name" name="name" maxlength="100" minlength="2" required autocomplete="name">
<label for="comment">Comment</label><textarea id="comment" name="comment" maxlength="500" rows="3"></textarea>
<button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="reject" type="submit" name="decision" value="reject">Reject</button>
</form>
<p class="note">Opening this page changes nothing. The decision is taken only when you press a button, once.</p>`,
  );
}

export type OutcomePage = 'approved' | 'rejected' | 'already-decided' | 'expired' | 'invalid' | 'name-required' | 'cancelled';

const MESSAGES: Record<OutcomePage, [string, string]> = {
  approved: ['Approved', 'Thank you. Rectify will apply the change, verify it, and record the result on the finding.'],
  rejected: ['Rejected', 'Thank you. Nothing will be changed; the finding records your decision.'],
  'already-decided': ['Already decided', 'This request was already decided. Nothing more was done.'],
  expired: ['Link expired', 'This approval request has expired and was escalated. Nothing was changed.'],
  invalid: ['Link not valid', 'This link is not valid. Use the link from the most recent Rectify email, unchanged.'],
  cancelled: ['Cancelled', 'Rectify was switched off (mode off) while this request waited, so the request is cancelled and nothing will be changed.'],
  'name-required': ['Say who you are', 'Nothing was decided: a decision needs your name (at least 2 characters), which is recorded with it. Go back, type your name, and decide again.'],
};

export function outcomePage(kind: OutcomePage): string {
  const [title, message] = MESSAGES[kind];
  return layout(title, `<h1 id="outcome" data-outcome="${kind}">${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
