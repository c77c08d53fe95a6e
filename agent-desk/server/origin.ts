// Requests that act as a signed-in agent must come from the desk itself. The session cookie goes with any
// request from the same site (another page of the council's domain), so the cookie alone proves nothing:
// a browser says where a request came from (Origin, Sec-Fetch-Site), and only the hub's own origin may act.
// Clients that are not browsers send neither header and are judged by their session alone.
import type { IncomingHttpHeaders } from 'node:http';

export function fromTheDesk(headers: IncomingHttpHeaders, publicBaseUrl: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (origin === 'null') return false;
  try {
    // The configured public origin, or the very host the request was sent to (a desk opened by address).
    return origin === new URL(publicBaseUrl).origin || new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}
