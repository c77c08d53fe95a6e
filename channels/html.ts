// Text put into HTML the hub writes itself (the web-chat demo page, the customer's plan page): escaped for element
// content and quoted attributes, so a name or a customer's words are always shown as text.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
