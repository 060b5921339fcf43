/**
 * Escape text for HTML content and attribute values. Five characters are all HTML needs; a
 * dependency for it would be larger than this function.
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
