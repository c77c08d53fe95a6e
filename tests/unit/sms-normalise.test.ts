import { describe, expect, it } from 'vitest';
import inboundSms from '../../channels/sms/__fixtures__/inbound-sms.json' with { type: 'json' };
import inboundMms from '../../channels/sms/__fixtures__/inbound-mms.json' with { type: 'json' };
import statusUndelivered from '../../channels/sms/__fixtures__/status-undelivered.json' with { type: 'json' };
import { normaliseInboundSms, normaliseStatusCallback, toE164 } from '../../channels/twilio/normalise.ts';

const at = new Date('2026-11-23T10:00:00Z');

describe('normaliseInboundSms', () => {
  it('turns a Twilio SMS webhook into one contact keyed by its MessageSid', () => {
    const result = normaliseInboundSms(inboundSms, at);
    expect(result).toMatchObject({
      ok: true,
      value: {
        channel: 'sms',
        providerMessageId: 'SM5f1c2a8b9d0e4f3a2b1c0d9e8f7a6b5c',
        from: { kind: 'phone', address: '+447911123456' },
        to: '+442079460001',
        text: 'Hi my bin wasnt collected on tues, 14 Elm Rd',
        attachments: [],
        receivedAt: '2026-11-23T10:00:00.000Z',
      },
    });
  });

  it.each(['+447700900123', '+447911123456', '+14155550100'])('accepts any possible number a provider sends, known range or not: %s', (from) => {
    // +447700900123 is Ofcom's drama range: not "valid" to libphonenumber, yet a real SMS can come from it.
    expect(normaliseInboundSms({ ...inboundSms, From: from }, at)).toMatchObject({ ok: true, value: { from: { kind: 'phone', address: from } } });
  });

  it('keeps MMS media as attachments even with an empty body', () => {
    const result = normaliseInboundSms(inboundMms, at);
    expect(result.ok && result.value.attachments).toEqual([{ url: inboundMms.MediaUrl0, contentType: 'image/jpeg' }]);
  });

  it.each([
    ['a missing MessageSid', { ...inboundSms, MessageSid: undefined }, /MessageSid/],
    ['a SID that is not Twilio-shaped', { ...inboundSms, MessageSid: 'hello' }, /MessageSid/],
    ['an unparseable sender', { ...inboundSms, From: 'not-a-number' }, /From is not a valid phone number/],
    ['a number that cannot exist', { ...inboundSms, From: '+4412' }, /From is not a valid phone number/],
    ["Twilio's stand-in for a restricted caller", { ...inboundSms, From: '+86282452253' }, /From is not a valid phone number/],
    ['an empty body with no media', { ...inboundSms, Body: '   ' }, /Body is empty/],
    ['a body longer than any SMS', { ...inboundSms, Body: 'x'.repeat(1601) }, /Body is longer/],
  ])('refuses %s with a reason', (_label, fields, reason) => {
    const result = normaliseInboundSms(fields as Record<string, string>, at);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('normaliseStatusCallback', () => {
  it("maps Twilio's status and keeps its error code", () => {
    expect(normaliseStatusCallback(statusUndelivered)).toEqual({
      ok: true,
      value: { channel: 'sms', providerMessageId: 'SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b', status: 'undelivered', errorCode: '30003' },
    });
  });

  it('refuses a status it does not know', () => {
    const result = normaliseStatusCallback({ ...statusUndelivered, MessageStatus: 'teleported' });
    expect(!result.ok && result.reason).toMatch(/teleported/);
  });
});

describe('toE164', () => {
  it.each([
    ['+447911123456', '+447911123456'],
    [' +44 7911 123456 ', '+447911123456'],
    ['+1 500-555-0006', '+15005550006'],
    ['07911123456', null],
    ['', null],
  ])('%s → %s', (input, expected) => expect(toE164(input)).toBe(expected));
});
