// Who wrote each message, on the desk: the customer, the bot, the agent looking ("You"), a colleague by name,
// the hub by itself (a hand-off's confirmation) and someone at a service answering about a hand-off, by their
// name and their service's. Before, anything outbound that was not the bot showed as "You", so an agent could
// believe they had told the customer what a service said. Checked in the API and on two agents' desks.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, openDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { ADMIN, PUBLIC_BASE_URL, apiJson, createDeskAccount, signIn, startTestHub, testEnv, type DeskAccount } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let browser: Browser;
let admin: string;
let adminId: string;
let bea: DeskAccount;
let conversationId: string;
const from = '+447911200821';

const db = () => hub.database.prisma;
const textsTo = () => twilioApi.requests.filter((r) => r.form.To === from).length;

beforeAll(async () => {
  database = await createTestDatabase('message_senders');
  twilioApi = await startFakeTwilio();
  const file = await writeDirectory([{ id: 'svc-money', name: 'Money Advice', needs: ['money.debt'], handoff: { kind: 'desk' } }]);
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, DIRECTORY_PATH: file, BOT_CHANNELS: 'sms' }));
  browser = await launchChromium();
  admin = await signIn(hub.url);
  adminId = (await apiJson(hub.url, admin, '/api/auth/me')).body.agent.id;
  bea = await createDeskAccount(hub.url, admin, { name: 'Bea Lewis', role: 'supervisor' });
  const money = await db().service.findUniqueOrThrow({ where: { externalId: 'svc-money' } });
  const ali = await createDeskAccount(hub.url, admin, { name: 'Ali Khan', role: 'service', serviceId: money.id });

  // The customer texts and the bot answers.
  await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'I am behind on my rent'));
  await vi.waitFor(() => expect(textsTo()).toBeGreaterThan(0), { timeout: 15_000, interval: 100 });
  conversationId = (await db().conversation.findFirstOrThrow({ where: { customer: { contactPoints: { some: { address: from } } } } })).id;
  const send = async (cookie: string, text: string) => {
    const before = await db().message.count({ where: { conversationId } });
    expect((await apiJson(hub.url, cookie, `/api/conversations/${conversationId}/messages`, { method: 'POST', body: JSON.stringify({ text }) })).status).toBe(
      202,
    );
    return before;
  };
  // The admin takes over from the bot, a colleague adds something, the need goes to its service (the customer
  // is told automatically), and the service answers the customer from its own view.
  await send(admin, 'Hello, I can help with that.');
  await send(bea.cookie, 'I have added the rent team’s number to your file.');
  // (The bot may have recorded the need already: 200 then, 201 if the admin adds it.)
  expect([200, 201]).toContain(
    (await apiJson(hub.url, admin, `/api/conversations/${conversationId}/needs`, { method: 'POST', body: JSON.stringify({ code: 'money.debt' }) })).status,
  );
  expect(
    (await apiJson(hub.url, admin, `/api/conversations/${conversationId}/handoffs`, { method: 'POST', body: JSON.stringify({ consent: true }) })).status,
  ).toBe(201);
  const handoff = await db().handoff.findFirstOrThrow({ where: { conversationId } });
  expect(
    (
      await apiJson(hub.url, ali.cookie, `/api/handoffs/${handoff.id}/reply`, {
        method: 'POST',
        body: JSON.stringify({ text: 'We can see you on Monday at 10.' }),
      })
    ).status,
  ).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

describe('who wrote each message', () => {
  it('the API names the sender of every message', async () => {
    const { body } = await apiJson<{ conversation: { messages: MessageView[] } }>(hub.url, admin, `/api/conversations/${conversationId}`);
    const senders = body.conversation.messages.map((m) => m.sender);
    // However many lines the bot sent, it is one run of bot messages after the customer's.
    const collapsed = senders.filter((s, i) => !(s.kind === 'bot' && senders[i - 1]?.kind === 'bot'));
    expect(collapsed).toEqual([
      { kind: 'customer' },
      { kind: 'bot' },
      { kind: 'agent', agentId: adminId, name: 'Administrator' },
      { kind: 'agent', agentId: bea.id, name: 'Bea Lewis' },
      { kind: 'automatic' },
      { kind: 'service', name: 'Ali Khan', service: 'Money Advice' },
    ]);
    // The live feed and the customer's history say the same.
    const customer = await db().conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { customerId: true } });
    const history = await apiJson<{ customer: { timeline: MessageView[] } }>(hub.url, admin, `/api/customers/${customer.customerId}?timelineLimit=50`);
    expect(history.body.customer.timeline.map((m) => m.sender)).toEqual(senders);
  });

  it.each([
    ['the admin', ADMIN, 'Administrator', ['You', 'Bea Lewis']],
    ['a colleague', null, 'Bea Lewis', ['Administrator', 'You']],
  ] as const)('the desk of %s labels each message by who wrote it', async (_label, account, name, agents) => {
    const { context, page, errors } = await openDesk(browser, hub.url, account ?? bea);
    await page.getByText(`Signed in as ${name}`).waitFor();
    await page.getByRole('button', { name: new RegExp(from.replace('+', '\\+')) }).click();
    const who = page.locator('#messages li .meta');
    await expect.poll(async () => (await who.allTextContents()).length).toBeGreaterThanOrEqual(6);
    const labels = (await who.allTextContents()).map((meta) => meta.split(' · ')[0]);
    expect(labels.filter((l, i) => !(l === 'Bot' && labels[i - 1] === 'Bot'))).toEqual([
      'Customer',
      'Bot',
      ...agents,
      'Automatic message',
      'Ali Khan for Money Advice',
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
