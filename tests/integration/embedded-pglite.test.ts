// The embedded default: no DATABASE_URL, so the hub runs on PGlite in DATA_DIR. Start it the way the
// README does (as its own process), then take one SMS through the whole path.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, testEnv } from '../helpers/hub.ts';
import { freePort, spawnHub, type HubProcess } from '../../testkit/processes.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';

let dataDir: string;
let twilioApi: FakeTwilio;
let hub: HubProcess;
let url: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ch-pglite-'));
  twilioApi = await startFakeTwilio();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const env = testEnv({ PORT: String(port), DATA_DIR: dataDir, TWILIO_API_BASE_URL: twilioApi.url, LOG_LEVEL: 'info' });
  delete env.DATABASE_URL;
  hub = spawnHub(env);
  await hub.waitForLog(/contact-hub is listening/);
});

afterAll(async () => {
  await hub?.kill('SIGTERM');
  await twilioApi?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the embedded default (PGlite)', () => {
  it('says where it listens, which channels are on, and that it uses the embedded database', () => {
    const log = hub.output();
    expect(log).toMatch(/embedded PGlite in .*ch-pglite-/);
    expect(log).toMatch(/"url":"http:\/\/127\.0\.0\.1:\d+"/);
    expect(log).toMatch(/"channels":\["sms","webchat","voice","in_person","plan_page"\]/);
    expect(log).toMatch(/created the first admin account/);
  });

  it('takes an SMS from webhook to the agent and the reply out to Twilio', async () => {
    const cookie = await signIn(url);
    const desk = await connectDesk(url, cookie);
    try {
      const fields = inboundSmsFields('+447911200401', 'Can someone call me about my council tax?');
      const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === fields.MessageSid);
      expect((await postTwilioWebhook(url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fields)).status).toBe(200);
      expect((await postTwilioWebhook(url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fields)).status).toBe(200);
      const inbound = await arrived;

      const sent = nextEvent<MessageView>(desk, 'message.updated', (m) => m.conversationId === inbound.conversationId && m.status === 'sent');
      const reply = await apiJson(url, cookie, `/api/conversations/${inbound.conversationId}/messages`, {
        method: 'POST',
        body: JSON.stringify({ text: 'Yes, today before 5pm.' }),
      });
      expect(reply.status).toBe(202);
      await sent;
      const [request] = await twilioApi.waitForRequests(1);
      expect(request!.form).toMatchObject({ To: '+447911200401', Body: 'Yes, today before 5pm.' });

      const detail = await apiJson<{ conversation: { messages: MessageView[] } }>(url, cookie, `/api/conversations/${inbound.conversationId}`);
      expect(detail.body.conversation.messages.map((m) => [m.direction, m.body])).toEqual([
        ['inbound', 'Can someone call me about my council tax?'],
        ['outbound', 'Yes, today before 5pm.'],
      ]);
      const health = await fetch(`${url}/health`);
      expect(await health.json()).toEqual({ status: 'ok', database: 'up', redis: 'up', journaled: 0 });
    } finally {
      desk.close();
    }
  });
});
