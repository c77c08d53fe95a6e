// The headers every page and API answer carries (helmet's defaults), with scripts and connections from the hub
// itself only.
import helmet from 'helmet';
import type { RequestHandler } from 'express';

export function securityHeaders(publicBaseUrl: string): RequestHandler {
  // upgrade-insecure-requests makes browsers fetch the desk's and the widget's scripts over https: on a hub served
  // over plain http (a trial on a council's own network) the pages stayed blank on any host but localhost.
  const upgrade = publicBaseUrl.startsWith('https://') ? [] : null;
  return helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'connect-src': ["'self'"], 'upgrade-insecure-requests': upgrade } } });
}
