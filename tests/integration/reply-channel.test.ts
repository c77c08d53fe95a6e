// An agent replies on another of the customer's channels when the customer prefers it: a customer who
// texted, and whose email an agent has checked and linked, is answered by email from the same conversation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.ts';
import { freePort } from '../../testkit/processes.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { Socket } from 'socket.io-client';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let relay: SmtpCapture;
let hub: RunningHub & { url: string };
let cookie: string;
let desk: Socket;

beforeAll(async () => {
  database = await createTestDatabase('reply_channel');
  twilioApi = await startFakeTwilio();
  relay = await startSmtpCapture();
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      EMAIL_INBOUND_ADDRESSES: 'help@council.example',
      SMTP_PORT: String(await freePort()),
      SMTP_HOST: '127.0.0.1',
      EMAIL_SMTP_URL: relay.url,
    }),
  );
  cookie = await signIn(hub.url);
  desk = await connectDesk(hub.url, cookie);
});
afterAll(async () => {
  desk?.close();
  await hub?.stop();
  await relay?.close();
  await twilioApi?.close();
  await database?.drop();
});

describe('replying on another channel', () => {
  it('lists where the customer can be reached, and sends by email when the agent chooses it', async () => {
    const from = '+447911200555';
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from);
    await postTwilioWebhook(
      hub.url,
      PUBLIC_BASE_URL,
      '/webhooks/twilio/sms',
      inboundSmsFields(from, 'can you email me the form instead? my phone is nearly dead'),
    );
    const { conversationId } = await arrived;
    const detail = async () => (await apiJson(hub.url, cookie, `/api/conversations/${conversationId}`)).body.conversation;
    expect((await detail()).replyChannels).toEqual(['sms']);

    // Not reachable by email yet: refused, and nothing is sent.
    const refused = await apiJson(hub.url, cookie, `/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Here it is', channel: 'email' }),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/no email address/);

    const customerId = (await detail()).customer.id;
    const linked = await apiJson(hub.url, cookie, `/api/customers/${customerId}/contact-points`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'email', address: 'Priya.Shah@example.org', reason: 'confirmed name and postcode by text' }),
    });
    expect(linked.status).toBeLessThan(300);
    expect((await detail()).replyChannels).toEqual(['sms', 'email']);

    const sent = await apiJson(hub.url, cookie, `/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'The form is attached to our website: https://council.example/forms/hb1', channel: 'email' }),
    });
    expect(sent.status).toBe(202);
    expect(sent.body.message).toMatchObject({ channel: 'email', toAddress: 'priya.shah@example.org' });
    const [mail] = await relay.waitFor(1);
    expect(mail!.to).toMatchObject({ text: 'priya.shah@example.org' });
    expect(mail!.text).toContain('https://council.example/forms/hb1');
    // The customer's own channel is unchanged: a reply without a choice still goes by text.
    expect(
      (await apiJson(hub.url, cookie, `/api/conversations/${conversationId}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Sent!' }) })).body
        .message.channel,
    ).toBe('sms');
    const [text] = await twilioApi.waitForRequests(1);
    expect(text!.form).toMatchObject({ To: from, Body: 'Sent!' });
    expect(relay.mails).toHaveLength(1);
  });

  it('refuses a channel the hub does not have', async () => {
    const from = '+447911200556';
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from);
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'hello'));
    const { conversationId } = await arrived;
    const res = await apiJson(hub.url, cookie, `/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'hi', channel: 'botframework' }),
    });
    expect(res.status).toBe(409);
    expect(
      (
        await apiJson(hub.url, cookie, `/api/conversations/${conversationId}/messages`, {
          method: 'POST',
          body: JSON.stringify({ text: 'hi', channel: 'pigeon' }),
        })
      ).status,
    ).toBe(400);
  });
});
