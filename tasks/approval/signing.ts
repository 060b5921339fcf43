import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Approval links carry only the approval id, its expiry and an HMAC-SHA256 over both; the
 * task token stays in the table. A link cannot be extended or pointed at another approval
 * without the signing key, and it dies at its expiry.
 */
function hmac(key: string, message: string): string {
  return createHmac('sha256', key).update(message).digest('base64url');
}

/** Constant-time comparison; different lengths are unequal without leaking where they differ. */
function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function signApprovalLink(key: string, approvalId: string, expiresAtSeconds: number): string {
  return hmac(key, `approval.${approvalId}.${expiresAtSeconds}`);
}

export function verifyApprovalSignature(key: string, approvalId: string, expiresAtSeconds: number, signature: string): boolean {
  return safeEqual(signApprovalLink(key, approvalId, expiresAtSeconds), signature);
}

/** A form token bound to one approval and its expiry, distinct from the link signature. */
export function csrfTokenFor(key: string, approvalId: string, expiresAtSeconds: number): string {
  return hmac(key, `csrf.${approvalId}.${expiresAtSeconds}`);
}

export function verifyCsrfToken(key: string, approvalId: string, expiresAtSeconds: number, token: string): boolean {
  return safeEqual(csrfTokenFor(key, approvalId, expiresAtSeconds), token);
}

/** `…/approvals/{id}?exp=…&sig=…` */
export function approvalLink(baseUrl: string, key: string, approvalId: string, expiresAtSeconds: number): string {
  const sig = signApprovalLink(key, approvalId, expiresAtSeconds);
  return `${baseUrl.replace(/\/$/, '')}/approvals/${encodeURIComponent(approvalId)}?exp=${expiresAtSeconds}&sig=${sig}`;
}
