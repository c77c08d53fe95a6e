// Posts webhooks the way Twilio does: form-encoded, signed with twilio's own signature helper.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export const TEST_ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
export const TEST_AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const HUB_NUMBER = '+442079460001';

export const newMessageSid = () => `SM${randomBytes(16).toString('hex')}`;

export function inboundSmsFields(from: string, body: string, sid = newMessageSid()): Record<string, string> {
  return {
    ToCountry: 'GB',
    ToState: '',
    SmsMessageSid: sid,
    NumMedia: '0',
    ToCity: '',
    FromZip: '',
    SmsSid: sid,
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: body,
    FromCountry: 'GB',
    To: HUB_NUMBER,
    ToZip: '',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: TEST_ACCOUNT_SID,
    From: from,
    ApiVersion: '2010-04-01',
  };
}

export function statusFields(messageSid: string, status: string, errorCode?: string): Record<string, string> {
  return {
    MessageSid: messageSid,
    SmsSid: messageSid,
    MessageStatus: status,
    SmsStatus: status,
    AccountSid: TEST_ACCOUNT_SID,
    From: HUB_NUMBER,
    To: '+447911123456',
    ApiVersion: '2010-04-01',
    ...(errorCode ? { ErrorCode: errorCode } : {}),
  };
}

/**
 * POSTs to `hubUrl + path`, signed for `publicBaseUrl + path` (what Twilio would have called).
 * `signature: false` leaves the header off; a string overrides it.
 */
export async function postTwilioWebhook(
  hubUrl: string,
  publicBaseUrl: string,
  path: string,
  fields: Record<string, string>,
  opts: { signature?: string | false; authToken?: string } = {},
): Promise<Response> {
  const signature = opts.signature ?? twilio.getExpectedTwilioSignature(opts.authToken ?? TEST_AUTH_TOKEN, publicBaseUrl + path, fields);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TwilioProxy/1.1' };
  if (signature !== false) headers['x-twilio-signature'] = signature;
  return fetch(hubUrl + path, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
}
