// The world's DNS as email sender checks see it, kept in the test: mail domains with a DKIM key (made at test
// time) and a DMARC record, and mail signed with mailauth's own DKIM signer. A test hub is given `fakeDns.resolve`
// (tests/helpers/hub.ts), so no test asks the machine's DNS server anything.
import { generateKeyPairSync } from 'node:crypto';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import type { DnsResolver } from '../../channels/contract.ts';

/**
 * Sender-check limits for tests that are not about them. The fake DNS answers at once, so the only way a check
 * runs out of time is a machine too busy to run it within the 5 s default (CI has been): then a verified
 * sender is taken as unverified, threads apart or cannot speak as a service, and the test fails for a reason
 * it is not about (sender-auth.test.ts is about the limits). The check runs within the parsing budget, at most
 * half of it, so that is raised too.
 */
export const PATIENT_SENDER_CHECKS = { EMAIL_DNS_TIMEOUT_MS: '10000', EMAIL_AUTH_TIMEOUT_MS: '30000', EMAIL_PARSE_BUDGET_MS: '60000' };

export interface MailDomain {
  domain: string;
  selector: string;
  privateKey: string;
}

const dnsError = (code: string, name: string) => Object.assign(new Error(`${code} ${name}`), { code });

export class FakeDns {
  readonly records = new Map<string, string[]>();
  /** Names (and their subdomains) whose lookups fail: a server error, or no answer at all. */
  readonly failing = new Map<string, 'servfail' | 'hang'>();
  /** The keys of the domains made here, by domain. */
  readonly keys = new Map<string, MailDomain>();

  readonly resolve: DnsResolver = async (name, rrtype) => {
    const key = name.toLowerCase().replace(/\.$/, '');
    for (const [domain, how] of this.failing) {
      if (key === domain || key.endsWith(`.${domain}`)) {
        if (how === 'hang') return new Promise(() => undefined);
        throw dnsError('ESERVFAIL', key);
      }
    }
    const txt = rrtype === 'TXT' ? this.records.get(key) : undefined;
    if (!txt) throw dnsError('ENOTFOUND', key);
    return txt.map((record) => [record]);
  };

  /** A domain that signs its mail (a fresh RSA key) and publishes DMARC, by default p=reject. */
  domain(domain: string, dmarc: string | null = 'v=DMARC1; p=reject'): MailDomain {
    const selector = 'sel1';
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.records.set(`${selector}._domainkey.${domain}`, [`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`]);
    if (dmarc) this.records.set(`_dmarc.${domain}`, [dmarc]);
    const made = { domain, selector, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    this.keys.set(domain, made);
    return made;
  }

  /** Sends as a mail provider that signs its users' mail would: signed by the From domain's key, if it has one here. */
  send(transport: Transporter, fields: SendMailOptions & { from: string; to: string }) {
    const from = (/<([^>]+)>/.exec(fields.from)?.[1] ?? fields.from).toLowerCase();
    return sendMail(transport, fields, this.keys.get(from.slice(from.lastIndexOf('@') + 1)) ?? null);
  }
}

/** No DNS at all: every name is unknown (the default of test hubs that do not bring their own). */
export const noDns: DnsResolver = async (name) => {
  throw dnsError('ENOTFOUND', name);
};

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });

/** The message as a mail program writes it. */
export async function compose(fields: SendMailOptions): Promise<Buffer> {
  const info = await composer.sendMail(fields);
  return info.message as Buffer;
}

/** The message with a DKIM-Signature by `by` in front (relaxed/relaxed, rsa-sha256). */
export async function dkimSigned(raw: Buffer, by: MailDomain): Promise<Buffer> {
  const signed = await dkimSign(raw, { signatureData: [{ signingDomain: by.domain, selector: by.selector, privateKey: by.privateKey }] } as never);
  if (signed.errors?.length || !signed.signatures.trim()) throw new Error(`could not sign: ${JSON.stringify(signed.errors)}`);
  return Buffer.concat([Buffer.from(signed.signatures), raw]);
}

/**
 * Delivers a raw message over SMTP with its own envelope, as a sending server does: a temporary refusal (4xx, "try again later", which the hub gives when it could
 * not store the message, e.g. its database too slow on a loaded machine) is tried again after a pause; a permanent
 * one (5xx) is final.
 */
export async function deliverRaw(transport: Transporter, raw: Buffer, envelope: { from: string; to: string }) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transport.sendMail({ envelope, raw });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode ?? 0;
      if (code < 400 || code >= 500 || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/** Composes, signs (unless `by` is null) and delivers; `alter` changes the message after signing. */
export async function sendMail(
  transport: Transporter,
  fields: SendMailOptions & { from: string; to: string },
  by: MailDomain | null,
  alter?: (raw: string) => string,
) {
  let raw = await compose(fields);
  if (by) raw = await dkimSigned(raw, by);
  if (alter) raw = Buffer.from(alter(raw.toString('latin1')), 'latin1');
  const address = (value: string) => /<([^>]+)>/.exec(value)?.[1] ?? value;
  return deliverRaw(transport, raw, { from: address(fields.from), to: address(fields.to) });
}
