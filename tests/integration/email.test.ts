// Email both ways over real SMTP on 127.0.0.1: nodemailer as the customer's mail server delivering to
// the hub's listener, and a capture server as the council's relay receiving the hub's replies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { freePort } from '../helpers/processes.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.ts';
import type { RunningHub } from '../../hub/app.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';

const COUNCIL = 'contact@council.example';

let database: TestDatabase;
let relay: SmtpCapture;
let hub: RunningHub & { url: string };
let cookie: string;
let desk: Socket;
let smtpPort: number;
let customerMail: Transporter;

beforeAll(async () => {
  database = await createTestDatabase('email');
  relay = await startSmtpCapture();
  smtpPort = await freePort();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, EMAIL_INBOUND_ADDRESSES: COUNCIL, SMTP_PORT: String(smtpPort), SMTP_HOST: '127.0.0.1', EMAIL_SMTP_URL: relay.url, EMAIL_MAX_BYTES: '200000' }));
  cookie = await signIn(hub.url);
  desk = await connectDesk(hub.url, cookie);
  customerMail = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
});

afterAll(async () => {
  customerMail?.close();
  desk?.close();
  await hub?.stop();
  await relay?.close();
  await database?.drop();
});

const db = () => hub.database.prisma;
const mail = (fields: SendMailOptions) => customerMail.sendMail({ from: 'Mary Jones <Mary.Jones@Example.org>', to: COUNCIL, ...fields });

describe('email in', () => {
  it('stores what the customer wrote, without the quoted history, on the customer found by address', async () => {
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.channel === 'email' && m.fromAddress === 'mary.jones@example.org');
    await mail({
      subject: 'Missed bin collection',
      messageId: '<first@example.org>',
      text: 'My bin was not collected on Tuesday.\n\nOn Mon, 2 Nov 2026 at 09:00, Council <contact@council.example> wrote:\n> Your collection day is Tuesday.\n',
    });
    const message = await arrived;
    expect(message.body).toBe('My bin was not collected on Tuesday.');
    expect(message.providerMessageId).toBe('<first@example.org>');
    const point = await db().contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'email', address: 'mary.jones@example.org' } } });
    expect(point.verifiedBy).toBe('inbound-email');
  });

  it('the same message delivered twice is stored once', async () => {
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === '<twice@example.org>');
    await mail({ subject: 'Twice', messageId: '<twice@example.org>', text: 'Sent twice by a retrying server' });
    await arrived;
    await mail({ subject: 'Twice', messageId: '<twice@example.org>', text: 'Sent twice by a retrying server' });
    await expect.poll(() => db().inboxItem.count({ where: { providerMessageId: '<twice@example.org>', processedAt: null } })).toBe(0);
    expect(await db().message.count({ where: { providerMessageId: '<twice@example.org>' } })).toBe(1);
  });

  it('refuses mail for any other address (never a relay), and mail over the size limit', async () => {
    const before = await db().inboxItem.count();
    await expect(customerMail.sendMail({ from: 'x@example.org', to: 'someone@elsewhere.example', subject: 'relay?', text: 'relay me' })).rejects.toMatchObject({ responseCode: 550 });
    await expect(mail({ subject: 'huge', text: 'x'.repeat(300_000) })).rejects.toMatchObject({ responseCode: 552 });
    expect(await db().inboxItem.count()).toBe(before);
  });

  it('accepts but never stores or answers auto-replies and bounces', async () => {
    const before = await db().inboxItem.count();
    await mail({ subject: 'Out of office', text: 'I am away', headers: { 'Auto-Submitted': 'auto-replied' } });
    await customerMail.sendMail({ from: 'MAILER-DAEMON@example.org', to: COUNCIL, subject: 'Undelivered Mail Returned to Sender', text: 'delivery failed' });
    expect(await db().inboxItem.count()).toBe(before);
  });
});

describe('email out', () => {
  it('the agent’s reply threads in the customer’s mail program, and their answer joins the conversation', async () => {
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === '<question@example.org>');
    await mail({ subject: 'Council tax band', messageId: '<question@example.org>', references: '<older@example.org>', text: 'Why is my band D?' });
    const question = await arrived;

    const sent = nextEvent<MessageView>(desk, 'message.updated', (m) => m.conversationId === question.conversationId && m.status === 'sent');
    await apiJson(hub.url, cookie, `/api/conversations/${question.conversationId}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Bands are set by the Valuation Office Agency.' }) });
    const reply = await sent;
    const [out] = (await relay.waitFor(1)).slice(-1);
    expect(out!.from?.value[0]?.address).toBe(COUNCIL);
    expect(out!.to && !Array.isArray(out!.to) && out!.to.value[0]?.address).toBe('mary.jones@example.org');
    expect(out!.subject).toBe('Re: Council tax band');
    expect(out!.inReplyTo).toBe('<question@example.org>');
    expect(out!.references).toEqual(['<older@example.org>', '<question@example.org>']);
    expect(out!.messageId).toBe(reply.providerMessageId);
    expect(out!.text?.trim()).toBe('Bands are set by the Valuation Office Agency.');

    const answered = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === '<answer@example.org>');
    await mail({ subject: 'Re: Council tax band', messageId: '<answer@example.org>', inReplyTo: reply.providerMessageId!, text: 'Thank you.\n\n> Bands are set by the Valuation Office Agency.' });
    const answer = await answered;
    expect(answer.conversationId).toBe(question.conversationId);
    expect(answer.body).toBe('Thank you.');
  });
});
