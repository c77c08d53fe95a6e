// The webhook signature, checked two ways: the hub's own verifier, and the verification example in the README
// (run as written), both against signatures the hub makes. A receiver that copies the README gets it right.
import { describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { signWebhook, verifyWebhook } from '../../hub/handoff/signature.ts';

const SECRET = 'a-service-secret-that-is-long-enough-0123';
const BODY = JSON.stringify({ service_request_id: 'HX7K2M9Q', description: 'Needs: somewhere to live — £ and “quotes”' });
const now = () => Math.floor(Date.now() / 1000);

type ReadmeVerify = (secret: string, headers: Record<string, string | undefined>, rawBody: Buffer | string) => boolean;

async function readmeVerifier(): Promise<ReadmeVerify> {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Verifying a hand-off webhook'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('the README has no js block under "Verifying a hand-off webhook"');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'readme-')), 'verify.mjs');
  writeFileSync(file, `${code}\nexport { verifyContactHub };\n`);
  return (await import(pathToFileURL(file).href)).verifyContactHub as ReadmeVerify;
}

describe('hand-off webhook signatures', () => {
  it('verify over the exact bytes, with the timestamp, in the hub and in the README’s example', async () => {
    const verify = await readmeVerifier();
    const timestamp = now();
    const headers = { 'x-contacthub-timestamp': String(timestamp), 'x-contacthub-signature': signWebhook(SECRET, timestamp, BODY) };
    expect(verify(SECRET, headers, Buffer.from(BODY))).toBe(true);
    expect(verifyWebhook(SECRET, { signature: headers['x-contacthub-signature'], timestamp: headers['x-contacthub-timestamp'] }, BODY)).toEqual({ ok: true });
  });

  it('refuse a changed body, another secret, a moved timestamp, a stale request and missing headers', async () => {
    const verify = await readmeVerifier();
    const timestamp = now();
    const signature = signWebhook(SECRET, timestamp, BODY);
    const cases: [string, string, Record<string, string | undefined>, string][] = [
      ['changed body', SECRET, { 'x-contacthub-timestamp': String(timestamp), 'x-contacthub-signature': signature }, BODY.replace('HX7K2M9Q', 'HX7K2M9R')],
      ['another secret', `${SECRET}x`, { 'x-contacthub-timestamp': String(timestamp), 'x-contacthub-signature': signature }, BODY],
      ['timestamp moved', SECRET, { 'x-contacthub-timestamp': String(timestamp + 1), 'x-contacthub-signature': signature }, BODY],
      ['stale', SECRET, { 'x-contacthub-timestamp': String(timestamp - 600), 'x-contacthub-signature': signWebhook(SECRET, timestamp - 600, BODY) }, BODY],
      ['no signature', SECRET, { 'x-contacthub-timestamp': String(timestamp) }, BODY],
    ];
    for (const [name, secret, headers, body] of cases) {
      expect(verify(secret, headers, body), name).toBe(false);
      expect(verifyWebhook(secret, { signature: headers['x-contacthub-signature'], timestamp: headers['x-contacthub-timestamp'] }, body).ok, name).toBe(false);
    }
  });
});
