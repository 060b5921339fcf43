import { escapeHtml } from '../html.js';
import { layout } from './pageLayout.js';

/** What an approval request stored shows its reviewer (the request's `summary`, with its id and times). */
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
  readonly requestedAt?: string;
  /** Why the resource counts as production: the tag or the account (absent on older requests). */
  readonly criticality?: { readonly level: string; readonly because: string };
  /** The resource now, as the snapshot the playbook took (JSON text, bounded): what a rollback restores. */
  readonly currentState?: string;
  /** The digest the approval binds (Trust II: the change is applied only if the fresh plan has it). */
  readonly planDigest?: string;
  /** Set when this is a new request for a changed plan. */
  readonly askedAgainBecause?: string;
}

/** Time left until `expiresAt`, in words: `23 h 59 min`, `12 min`, or `expired`. Rendered on each visit (the page is never cached). */
export function timeLeft(expiresAt: string, now: Date): string {
  const minutes = Math.floor((Date.parse(expiresAt) - now.getTime()) / 60_000);
  if (Number.isNaN(minutes) || minutes < 0) return 'expired';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/** `2026-12-04 18:21 UTC`: one unambiguous form for every reader, whatever their time zone. */
const utc = (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`);

/** The resource's state now: a flat object as a list of settings, anything else as JSON. */
function stateHtml(currentState: string | undefined): string {
  if (currentState === undefined) return '<p>Not recorded with this request; the snapshot is taken just before the change.</p>';
  let value: unknown;
  try {
    value = JSON.parse(currentState);
  } catch {
    return `<pre>${escapeHtml(currentState)}</pre>`;
  }
  if (value === null) return '<p>Nothing configured (no setting exists yet).</p>';
  const flat = typeof value === 'object' && !Array.isArray(value) && Object.values(value as object).every((v) => v === null || typeof v !== 'object');
  if (flat && Object.keys(value as object).length > 0) {
    return `<dl class="kv">${Object.entries(value as Record<string, unknown>).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(JSON.stringify(v))}</dd>`).join('')}</dl>`;
  }
  return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
}

/**
 * The page a GET shows — the request at a glance, readable on a phone: what will change and
 * where (account, region, resource, why it is production), before → after, what a rollback
 * would restore, the time left, the plan digest the approval binds, and a form that changes
 * nothing until a named person POSTs it.
 */
export function approvalPage(view: ApprovalView, form: { exp: number; sig: string; csrf: string }, now: Date = new Date()): string {
  const left = timeLeft(view.expiresAt, now);
  const name = view.resourceId.split(/[:/]/).pop() ?? view.resourceId;
  return layout(
    `Approve ${view.controlId}`,
    `<p class="note">Rectify asks for your approval</p>
<h1 id="what">${escapeHtml(view.plan.summary)}</h1>
<p class="lede">Risk <span class="risk" id="risk">${escapeHtml(view.risk)}</span> · decide within <span class="countdown" id="countdown" data-expires="${escapeHtml(view.expiresAt)}">${escapeHtml(left)}</span> (until ${escapeHtml(utc(view.expiresAt))}); if nobody decides, nothing changes and people are told.</p>
${view.askedAgainBecause ? `<p id="asked-again"><strong>This is a new request:</strong> ${escapeHtml(view.askedAgainBecause)}.</p>` : ''}
<h2>Where</h2>
<dl id="where">
<dt>Resource</dt><dd id="resource"><code>${escapeHtml(view.resourceId)}</code></dd>
<dt>Account</dt><dd id="account">${escapeHtml(view.account)}</dd>
<dt>Region</dt><dd id="region">${escapeHtml(view.region)}</dd>
<dt>Production because</dt><dd id="production">${escapeHtml(view.criticality?.level === 'production' ? view.criticality.because : view.criticality ? 'not production' : 'see the risk reasons below')}</dd>
<dt>Finding</dt><dd>${escapeHtml(view.title)} (${escapeHtml(view.controlId)})</dd>
<dt>Playbook</dt><dd>${escapeHtml(view.playbookId)}</dd>
${view.impact ? `<dt>Impact</dt><dd id="impact">${escapeHtml(view.impact.level)} — ${escapeHtml(view.impact.why)}</dd>` : ''}
</dl>
<h2>Why a person must decide</h2><ul class="why" id="risk-reasons">${view.riskReasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>
<h2>Before → after</h2>
<div class="compare">
<section class="now" id="before" aria-label="Now"><h3>Now: ${escapeHtml(name)}</h3>${stateHtml(view.currentState)}</section>
<section class="after" id="plan" aria-label="After the change"><h3>After the change</h3><ul>${view.plan.changes.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul></section>
</div>
<h2>If it goes wrong</h2>
<p class="rollback" id="rollback">After the change Rectify verifies the resource against ${escapeHtml(view.controlId)}. If the change fails or does not verify, Rectify restores what is shown under <strong>Now</strong> (the snapshot it takes just before changing anything) — but only while the resource still reads as Rectify left it; if someone changed it since, it is left as it is and people are told.</p>
<h2>What you approve</h2>
<p>Exactly this plan${view.planDigest ? `, digest <span class="digest" id="digest">${escapeHtml(view.planDigest)}</span>` : ''}. Just before the change Rectify plans again; if the plan differs (the resource changed meanwhile), nothing is changed and you are asked again.</p>
<form method="post" class="decide" aria-labelledby="decide-title">
<h2 id="decide-title">Your decision</h2>
<input type="hidden" name="exp" value="${form.exp}"><input type="hidden" name="sig" value="${escapeHtml(form.sig)}">
<input type="hidden" name="csrf" value="${escapeHtml(form.csrf)}">
<label for="name">You are deciding as (your name, required; recorded with the decision)</label><input type="text" id="name" name="name" maxlength="100" minlength="2" required autocomplete="name">
<label for="comment">Comment (optional, e.g. the change ticket)</label><textarea id="comment" name="comment" maxlength="500" rows="3"></textarea>
<button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="reject" type="submit" name="decision" value="reject">Reject</button>
</form>
<p class="note">Opening this page changes nothing. The decision is taken only when you press a button, once. Requested ${escapeHtml(view.requestedAt ? utc(view.requestedAt) : 'earlier')}, reference ${escapeHtml(view.approvalId)}.</p>`,
  );
}
