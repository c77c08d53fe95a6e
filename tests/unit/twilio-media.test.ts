// Which media links the hub fetches, and the limits on what it keeps: against the fake Twilio on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { MediaError } from '../../channels/contract.ts';
import { fetchTwilioMedia, twilioMediaUrl } from '../../channels/twilio/media.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';

const SID = `AC${'b2'.repeat(16)}`;
const path = () => `/2010-04-01/Accounts/${SID}/Messages/MM${randomBytes(16).toString('hex')}/Media/ME${randomBytes(16).toString('hex')}`;

let twilioApi: FakeTwilio;
beforeAll(async () => {
  twilioApi = await startFakeTwilio();
});
afterAll(() => twilioApi?.close());

describe('Twilio media links', () => {
  it.each([
    ['Twilio’s own media URL for this account', `https://api.twilio.com${path()}`, true],
    ['plain http', `http://api.twilio.com${path()}`, false],
    ['another host', `https://api.twilio.com.evil.example${path()}`, false],
    ['credentials in the URL', `https://user:pw@api.twilio.com${path()}`, false],
    ['another account', `https://api.twilio.com${path().replace(SID, `AC${'c3'.repeat(16)}`)}`, false],
    ['a query string', `https://api.twilio.com${path()}?x=1`, false],
    ['another resource', `https://api.twilio.com/2010-04-01/Accounts/${SID}/Calls.json`, false],
    ['an internal address', 'http://169.254.169.254/latest/meta-data/', false],
    ['not a URL', 'not a url', false],
  ])('%s: fetched %s', (_label, url, accepted) => {
    expect(twilioMediaUrl(url, { accountSid: SID }) !== null).toBe(accepted);
  });

  it('only the configured API origin replaces Twilio’s', () => {
    const p = path();
    expect(twilioMediaUrl(twilioApi.url + p, { accountSid: SID, apiBaseUrl: twilioApi.url })).not.toBeNull();
    expect(twilioMediaUrl(`https://api.twilio.com${p}`, { accountSid: SID, apiBaseUrl: twilioApi.url })).toBeNull();
  });
});

describe('fetching', () => {
  const settings = () => ({ accountSid: SID, authToken: 'a-test-auth-token-0123', apiBaseUrl: twilioApi.url, timeoutMs: 5000 });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: MediaError) => ({ message: error.message, retryable: error.retryable }),
    );

  it('refuses a file over the size limit, however it is sent', async () => {
    const p = path();
    twilioApi.media.set(p, [{ contentType: 'image/png', body: new Uint8Array(2000) }]);
    expect(await failure(fetchTwilioMedia({ url: twilioApi.url + p, contentType: 'image/png' }, { ...settings(), maxBytes: 1024 * 1024 }))).toBeNull();
    expect(await failure(fetchTwilioMedia({ url: twilioApi.url + p, contentType: 'image/png' }, { ...settings(), maxBytes: 1000 }))).toEqual({
      message: 'it is over the 1 KB limit',
      retryable: false,
    });
  });

  it('follows a redirect only to Twilio’s CDN, and never to anywhere else', async () => {
    const p = path();
    const target = path();
    twilioApi.media.set(p, [{ status: 307, location: `${twilioApi.url.replace('127.0.0.1', 'localhost')}${target}` }]);
    expect(await failure(fetchTwilioMedia({ url: twilioApi.url + p, contentType: 'image/png' }, settings()))).toEqual({
      message: 'Twilio sent it on to an address the hub does not fetch from',
      retryable: false,
    });
    expect(twilioApi.requests.filter((r) => r.path === target)).toHaveLength(0);
  });
});
