// WhatsApp through Twilio, with the real twilio SDK against the fake Twilio API and real signatures: its own
// channel (not SMS), the same customer as the number's texts, replies by WhatsApp, and the 24-hour rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';

const WHATSAPP_SENDER = '+442079460002';
let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: Awaited<ReturnType<typeof startTestHub>>;
let cookie: string;

beforeAll(async () => {
  database = await createTestDatabase('whatsapp');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, WHATSAPP_FROM: WHATSAPP_SENDER }));
  cookie = await signIn(hub.url);
});
afterAll(async () => {
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

/** A message as Twilio sends it for WhatsApp: the same fields as SMS, with whatsapp: addresses. */
const whatsapp = (from: string, body: string): Record<string, string> => ({ ...inboundSmsFields(`whatsapp:${from}`, body), To: `whatsapp:${WHATSAPP_SENDER}` });
const db = () => hub.database.prisma;

async function conversationOf(sid: string) {
  await expect.poll(() => db().message.count({ where: { providerMessageId: sid } }), { timeout: 15_000 }).toBe(1);
  return db().message.findFirstOrThrow({
    where: { providerMessageId: sid },
    select: { channel: true, conversationId: true, fromAddress: true, conversation: { select: { customerId: true } } },
  });
}

const reply = (conversationId: string, text: string) =>
  apiJson<{ message: { id: string } }>(hub.url, cookie, `/api/conversations/${conversationId}/messages`, {
    method: 'POST',
    body: JSON.stringify({ text, channel: 'whatsapp' }),
  });

describe('WhatsApp through Twilio', () => {
  it('is its own channel on the same customer as the number’s texts, and the agent’s reply goes back by WhatsApp', async () => {
    const texted = inboundSmsFields('+447911200801', 'I texted about my rent');
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', texted)).status).toBe(200);
    const bySms = await conversationOf(texted.MessageSid!);

    const fields = whatsapp('+447911200801', 'and now on WhatsApp: still about my rent');
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/whatsapp', fields)).status).toBe(200);
    const message = await conversationOf(fields.MessageSid!);
    expect(message.channel).toBe('whatsapp');
    expect(message.fromAddress).toBe('+447911200801');
    expect(message.conversation.customerId).toBe(bySms.conversation.customerId);

    const before = twilioApi.requests.length;
    expect((await reply(message.conversationId, 'Thanks, we have your rent query.')).status).toBe(202);
    const [sent] = (await twilioApi.waitForRequests(before + 1)).slice(before);
    expect(sent!.form).toMatchObject({ To: 'whatsapp:+447911200801', From: `whatsapp:${WHATSAPP_SENDER}`, Body: 'Thanks, we have your rent query.' });
    expect(sent!.form.StatusCallback).toBe(`${PUBLIC_BASE_URL}/webhooks/twilio/whatsapp/status`);
  });

  it('a WhatsApp message sent to the SMS webhook by mistake is still WhatsApp, never lost or answered by SMS', async () => {
    const fields = whatsapp('+447911200802', 'sent to the wrong URL');
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fields)).status).toBe(200);
    expect((await conversationOf(fields.MessageSid!)).channel).toBe('whatsapp');
  });

  it('a forged WhatsApp webhook is refused', async () => {
    const fields = whatsapp('+447911200803', 'forged');
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/whatsapp', fields, { authToken: 'not-the-auth-token-0000' })).status).toBe(403);
    expect(await db().inboxItem.count({ where: { providerMessageId: fields.MessageSid! } })).toBe(0);
  });

  it('past the 24-hour window the reply is not sent, and the agent is told why', async () => {
    const fields = whatsapp('+447911200804', 'hello from yesterday');
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/whatsapp', fields)).status).toBe(200);
    const { conversationId } = await conversationOf(fields.MessageSid!);
    await db().message.updateMany({ where: { providerMessageId: fields.MessageSid! }, data: { createdAt: new Date(Date.now() - 25 * 3_600_000) } });
    const before = twilioApi.requests.length;
    const { body } = await reply(conversationId, 'Sorry for the wait');
    await expect
      .poll(() => db().message.findUniqueOrThrow({ where: { id: body.message.id }, select: { status: true, errorCode: true, errorMessage: true } }), {
        timeout: 15_000,
      })
      .toMatchObject({
        status: 'failed',
        errorCode: 'whatsapp:outside-window',
        errorMessage: expect.stringMatching(/within 24 hours.*approved template/),
      });
    expect(twilioApi.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
  });
});
