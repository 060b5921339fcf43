import { escapeHtml } from '../html.js';
import { layout } from './pageLayout.js';

export { escapeHtml };
export { SECURITY_HEADERS } from './pageLayout.js';
export { approvalPage, timeLeft, type ApprovalView } from './approvalPage.js';

/**
 * The approval pages: plain HTML, no script, one inline stylesheet allowed by its hash
 * (pageLayout.ts). Everything interpolated is escaped — finding titles and resource ids come
 * from outside. The request itself is approvalPage.ts; these are the answers to a POST.
 */
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
