// Who really sent an email. The From address is the sender's own claim; SPF (when the hub's SMTP listener saw
// the connection), DKIM, DMARC and ARC, checked by mailauth, say whether the From domain stands behind it.
// The result is reduced to a compact verdict that travels with the contact: the hub trusts an email to speak
// as a service or to join an existing conversation only when the verdict is pass.
//
// This runs in a worker thread (parse.worker.ts, a check job beside the parse job): mailauth reads the whole
// message (body hashes, header canonicalisation), which on large or hostile mail is seconds of CPU work that
// must not stall the event loop. Its DNS questions are asked by the main thread (see parse.ts), where the
// resolver is.
import type { AuthenticateResult } from 'mailauth';
import type { DnsResolver, SenderAuth } from '../contract.ts';

/** What the hub's SMTP listener knew about the connection; absent for mail taken from an IMAP mailbox. */
export interface Connection {
  ip: string;
  helo?: string;
  /** MAIL FROM; empty for the null sender. */
  mailFrom?: string | null;
}

/**
 * mailauth's findings for one raw message, or 'temperror' when they could not be had within `timeoutMs`
 * (DNS slow or down, or mailauth failed): the mail is still taken in, just not trusted.
 */
export async function checkSender(
  raw: Buffer,
  options: { resolver: DnsResolver; timeoutMs: number; connection?: Connection; mta: string },
): Promise<AuthenticateResult | 'temperror'> {
  // Loaded here, in the parsing worker (parse.worker.ts), not by every process that imports the verdict; before
  // the deadline starts, so loading it never counts against the lookups' time.
  const { authenticate } = await import('mailauth');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'temperror'>((resolve) => {
    timer = setTimeout(() => resolve('temperror'), options.timeoutMs);
  });
  const checked = authenticate(raw, {
    resolver: options.resolver as never,
    ip: options.connection?.ip,
    helo: options.connection?.helo,
    sender: options.connection?.mailFrom || undefined,
    mta: options.mta,
    // BIMI fetches logos and certificates over HTTPS: nothing here needs it.
    disableBimi: true,
  }).catch(() => 'temperror' as const);
  try {
    return await Promise.race([checked, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : '');
/** `d` is the From domain or a parent of it (relaxed alignment, without the public-suffix walk DMARC does). */
const alignedWith = (from: string, d: string) => !!d && (from === d || from.endsWith(`.${d}`));

/**
 * The verdict the hub acts on. pass: DMARC passed, or a DKIM signature passed and is aligned with the From
 * domain of the address the hub files the mail under (`senderDomain`), as found by the hub itself or, when one
 * is configured, by the council's own gateway. temperror: a lookup failed, so it could not be shown. fail: a
 * check ran and said no (a broken signature, a DMARC fail). none: nothing to check (no signature, no policy).
 */
export function senderVerdict(
  result: AuthenticateResult | 'temperror',
  context: { senderDomain: string; connection: boolean; authenticationResults?: readonly string[]; trustedAuthservId?: string },
): SenderAuth {
  const domain = context.senderDomain.toLowerCase();
  const gateway = context.trustedAuthservId ? gatewayPass(context.authenticationResults ?? [], context.trustedAuthservId, domain) : false;
  if (result === 'temperror') {
    return {
      verdict: gateway ? 'pass' : 'temperror',
      domain,
      by: gateway ? 'gateway' : 'hub',
      dmarc: { result: 'temperror' },
      spf: null,
      dkim: [],
      arc: { result: 'temperror' },
    };
  }
  const dmarcFor = result.dmarc ? lower(result.dmarc.status.header?.from) : '';
  const dkim = (result.dkim.results ?? [])
    .filter((r) => r.signingDomain)
    .slice(0, 20)
    .map((r) => {
      const d = lower(r.signingDomain);
      return { domain: d.slice(0, 255), aligned: !!r.status.aligned && alignedWith(domain, d), result: normal(r.status.result) };
    });
  const dmarc = result.dmarc
    ? { result: normal(result.dmarc.status.result), ...(result.dmarc.policy ? { policy: String(result.dmarc.policy).slice(0, 16) } : {}) }
    : { result: 'none' };
  const spf = context.connection && result.spf ? { result: normal(result.spf.status.result), domain: lower(result.spf.domain).slice(0, 255) } : null;
  const arc = { result: result.arc ? normal(result.arc.status.result) : 'none' };
  // mailauth and the hub's parser each read the From header: a DMARC pass counts only for the domain the
  // hub files the mail under (two From headers, or one with two addresses, must not split the two).
  const dmarcPass = dmarc.result === 'pass' && dmarcFor === domain;
  const own: SenderAuth['verdict'] =
    dmarcPass || dkim.some((d) => d.result === 'pass' && d.aligned)
      ? 'pass'
      : dmarc.result === 'temperror' || dkim.some((d) => d.result === 'temperror')
        ? 'temperror'
        : dmarc.result === 'fail' || dmarc.result === 'permerror' || (dmarc.result === 'pass' && !dmarcPass) || dkim.some((d) => d.result !== 'pass')
          ? 'fail'
          : 'none';
  const verdict = own === 'pass' || gateway ? 'pass' : own;
  return { verdict, domain, by: own !== 'pass' && gateway ? 'gateway' : 'hub', dmarc, spf, dkim, arc };
}

/** mailauth's result words, with its old spelling of temperror. */
const normal = (result: unknown) => (result === 'temperr' ? 'temperror' : typeof result === 'string' ? result.slice(0, 16) : 'none');

/**
 * Whether the council's own gateway (its authserv-id configured in EMAIL_TRUSTED_AUTHSERV_ID) recorded a DMARC
 * pass, or an aligned DKIM pass, for the From domain. Only its topmost Authentication-Results counts: the
 * gateway's is added above everything the sender wrote, and RFC 8601 section 5 has it remove any claiming
 * its id on the way in. Results from anyone else are never believed.
 */
export function gatewayPass(headers: readonly string[], authservId: string, fromDomain: string): boolean {
  const id = authservId.toLowerCase();
  const ours = headers.find((h) => lower(h.split(';')[0]?.trim().split(/\s+/)[0]) === id);
  if (!ours) return false;
  // Comments (in parentheses) could hide text that looks like a result: drop them before reading.
  const results = ours
    .replace(/\([^()]*\)/g, ' ')
    .split(';')
    .slice(1)
    .map((r) => r.trim().toLowerCase());
  const property = (r: string, name: string) => new RegExp(`(?:^|\\s)${name.replace('.', '\\.')}\\s*=\\s*"?([^\\s";]+)`).exec(r)?.[1] ?? '';
  return results.some((r) => {
    if (/^dmarc\s*=\s*pass\b/.test(r)) return property(r, 'header.from') === fromDomain;
    if (/^dkim\s*=\s*pass\b/.test(r)) return alignedWith(fromDomain, property(r, 'header.d') || property(r, 'header.i').replace(/^.*@/, ''));
    return false;
  });
}
