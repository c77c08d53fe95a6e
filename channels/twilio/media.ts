// Media a customer sent by MMS or WhatsApp, which Twilio keeps and the webhook only links to. Fetched by the
// hub's worker with the account's credentials, and only from Twilio's own media URLs for this account: the
// URL arrives in a webhook, so fetching whatever it names would let anyone who can forge or replay one make
// the hub request an internal address (SSRF). A size cap and a type allow-list bound what is kept.
import { MediaError, type Attachment, type FetchedMedia } from '../contract.ts';

/** What residents send by MMS and WhatsApp: photos, documents, voice notes and short videos. */
export const MEDIA_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/heic',
  'application/pdf',
  'audio/mpeg',
  'audio/ogg',
  'audio/amr',
  'audio/mp4',
  'audio/aac',
  'video/mp4',
  'video/3gpp',
];
/** Twilio accepts MMS up to 5 MB and WhatsApp media up to 16 MB. */
export const MEDIA_MAX_BYTES = 16 * 1024 * 1024;
const TWILIO_API = 'https://api.twilio.com';
// Twilio answers a media URL by redirecting to the file on its CDN; those hosts are followed, without credentials.
const CDN_HOST = /(^|\.)twiliocdn\.com$/;
const S3_MEDIA = /^s3[.-][a-z0-9.-]*\.amazonaws\.com$/;

export interface MediaSettings {
  accountSid: string;
  authToken: string;
  /** Twilio's API origin as configured (TWILIO_API_BASE_URL: tests' fake server); Twilio's own when unset. */
  apiBaseUrl?: string;
  timeoutMs: number;
  maxBytes?: number;
}

/** The URL if it is one of this account's media on Twilio's API origin, else null. */
export function twilioMediaUrl(url: string, settings: Pick<MediaSettings, 'accountSid' | 'apiBaseUrl'>): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const origin = new URL(settings.apiBaseUrl ?? TWILIO_API).origin;
  if (parsed.origin !== origin || parsed.username || parsed.password) return null;
  const path = new RegExp(`^/2010-04-01/Accounts/${settings.accountSid}/Messages/(MM|SM)[0-9a-f]{32}/Media/ME[0-9a-f]{32}$`);
  return path.test(parsed.pathname) && !parsed.search ? parsed : null;
}

function mayFollow(next: URL, apiOrigin: string): boolean {
  if (next.origin === apiOrigin) return true;
  return next.protocol === 'https:' && (CDN_HOST.test(next.hostname) || (S3_MEDIA.test(next.hostname) && next.pathname.startsWith('/media.twiliocdn.com/')));
}

export async function fetchTwilioMedia(attachment: Attachment, settings: MediaSettings): Promise<FetchedMedia> {
  const start = twilioMediaUrl(attachment.url, settings);
  if (!start) throw new MediaError('it was not a link to Twilio’s copy of the file, so the hub did not fetch it', false);
  const maxBytes = settings.maxBytes ?? MEDIA_MAX_BYTES;
  const declared = attachment.contentType.toLowerCase().split(';')[0]!.trim();
  if (!MEDIA_TYPES.includes(declared)) throw new MediaError(`files of type ${declared} are not accepted`, false);
  const apiOrigin = start.origin;
  const signal = AbortSignal.timeout(settings.timeoutMs);
  let url = start;
  for (let hop = 0; ; hop++) {
    // Credentials go to Twilio's API only, never to where it redirects.
    const headers: Record<string, string> =
      url.origin === apiOrigin ? { authorization: `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}` } : {};
    let res: Response;
    try {
      res = await fetch(url, { headers, redirect: 'manual', signal });
    } catch (error) {
      throw new MediaError(`Twilio could not be reached (${(error as Error).name})`, true);
    }
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      await res.body?.cancel();
      const next = location ? new URL(location, url) : null;
      if (!next || hop >= 3 || !mayFollow(next, apiOrigin)) throw new MediaError('Twilio sent it on to an address the hub does not fetch from', false);
      url = next;
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      // Gone or forbidden will not change; anything else (429, 5xx) may.
      throw new MediaError(`Twilio answered ${res.status}`, !(res.status === 401 || res.status === 403 || res.status === 404 || res.status === 410));
    }
    const type = (res.headers.get('content-type') ?? declared).toLowerCase().split(';')[0]!.trim();
    if (!MEDIA_TYPES.includes(type)) {
      await res.body?.cancel();
      throw new MediaError(`files of type ${type} are not accepted`, false);
    }
    const limit = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MB` : `${Math.round(maxBytes / 1024)} KB`;
    const tooBig = () => new MediaError(`it is over the ${limit} limit`, false);
    if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
      await res.body?.cancel();
      throw tooBig();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body?.getReader();
    for (let part = await reader?.read(); part && !part.done; part = await reader!.read()) {
      size += part.value.byteLength;
      if (size > maxBytes) {
        await reader!.cancel();
        throw tooBig();
      }
      chunks.push(part.value);
    }
    return { contentType: type, content: new Uint8Array(Buffer.concat(chunks)) };
  }
}
