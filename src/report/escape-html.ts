/**
 * Escapes a string for HTML text and for quoted attribute values. Every string taken from a
 * history passes through here: a history is untrusted input, and a weight named
 * `</script><img src=x onerror=alert(1)>` must stay text.
 *
 * @example
 * escapeHtml('<img src=x>');  // '&lt;img src=x&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
