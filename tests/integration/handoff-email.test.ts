// A service that takes its hand-offs by email answers the customer by replying to the hand-off email.
// Real parts throughout: the hub's SMTP listener receives the service's reply from nodemailer, the hand-off
// email goes out through the council's relay (a capture server), and the customer is texted through the
// real twilio SDK against a fake Twilio API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { ParsedMail } from 'mailparser';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.ts';
import { freePort } from '../../testkit/processes.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { FakeDns, PATIENT_SENDER_CHECKS, sendMail } from '../helpers/mail-auth.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';

const COUNCIL = 'contact@council.example';
const HOUSING = 'housing-team@testford.example';
const HOUSING_NAME = 'Housing Options';
// The service's mail domain signs its mail (DKIM) and publishes DMARC p=reject; so does another domain.
const dns = new FakeDns();
const testford = dns.domain('testford.example');
const elsewhere = dns.domain('elsewhere.example');

let database: TestDatabase;
let twilioApi: FakeTwilio;
let relay: SmtpCapture;
let hub: RunningHub & { url: string };
let admin: string;
let desk: Socket;
/** Any sender's mail server, delivering to the hub's SMTP listener. */
let mailer: Transporter;

beforeAll(async () => {
  database = await createTestDatabase('handoff_email');
  twilioApi = await startFakeTwilio();
  relay = await startSmtpCapture();
  const file = await writeDirectory([
    { id: 'svc-housing', name: HOUSING_NAME, needs: ['housing.homeless', 'housing.unsuitable'], handoff: { kind: 'email', address: HOUSING } },
    { id: 'svc-advice', name: 'Advice Centre', needs: ['money.benefits'], handoff: { kind: 'desk' } },
  ]);
  const smtpPort = await freePort();
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      EMAIL_INBOUND_ADDRESSES: COUNCIL,
      SMTP_PORT: String(smtpPort),
      SMTP_HOST: '127.0.0.1',
      EMAIL_SMTP_URL: relay.url,
      DIRECTORY_PATH: file,
      HANDOFF_BACKOFF_MS: '100',
      ...PATIENT_SENDER_CHECKS,
    }),
    { resolveDns: dns.resolve },
  );
  admin = await signIn(hub.url);
  desk = await connectDesk(hub.url, admin);
  mailer = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
});
afterAll(async () => {
  mailer?.close();
  desk?.close();
  await hub?.stop();
  await Promise.all([twilioApi?.close(), relay?.close()]);
  await database?.drop();
});

const db = () => hub.database.prisma;
const textsTo = (to: string) => twilioApi.requests.filter((r) => r.form.To === to).map((r) => r.form.Body!);
/** Sent as the sender's mail server would: signed by the From domain's key, where it has one. */
const send = (fields: SendMailOptions) => dns.send(mailer, { to: COUNCIL, ...fields } as SendMailOptions & { from: string; to: string });

interface HandedOff {
  id: string;
  reference: string;
  conversationId: string;
  /** The hand-off email as the service's mailbox received it. */
  mail: ParsedMail;
}

/** A customer texts; an agent records their need and hands it off; the service's hand-off email is sent. */
async function handOff(from: string, code = 'housing.homeless'): Promise<HandedOff> {
  const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from);
  expect(
    (await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'We have been told to leave our flat by Friday'))).status,
  ).toBe(200);
  const { conversationId } = await arrived;
  expect((await apiJson(hub.url, admin, `/api/conversations/${conversationId}/needs`, { method: 'POST', body: JSON.stringify({ code }) })).status).toBe(201);
  const made = await apiJson(hub.url, admin, `/api/conversations/${conversationId}/handoffs`, { method: 'POST', body: JSON.stringify({ consent: true }) });
  expect(made.status).toBe(201);
  const { id, reference } = made.body.handoffs[0] as { id: string; reference: string };
  // The customer is told who has their details; later texts are counted from here.
  await expect.poll(() => textsTo(from).some((t) => t.includes(reference)), { timeout: 30_000 }).toBe(true);
  await expect.poll(() => relay.mails.find((m) => m.subject?.includes(reference)), { timeout: 30_000 }).toBeTruthy();
  const mail = relay.mails.find((m) => m.subject?.includes(reference))!;
  await expect.poll(async () => (await db().handoff.findUniqueOrThrow({ where: { id } })).emailMessageId).toBe(mail.messageId);
  return { id, reference, conversationId, mail };
}

/** The hand-off email quoted below a reply, the way a mail program quotes it. */
const quoted = (mail: ParsedMail) =>
  `On Mon, 23 Nov 2026 at 10:00, ${COUNCIL} wrote:\n${(mail.text ?? '')
    .trim()
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n')}\n`;

/** Waits until the hub has finished with an inbound email (either way), and returns its inbox row. */
async function processed(messageId: string) {
  await expect
    .poll(async () => (await db().inboxItem.findFirst({ where: { channel: 'email', providerMessageId: messageId } }))?.processedAt ?? null, { timeout: 30_000 })
    .not.toBeNull();
  return db().inboxItem.findFirstOrThrow({ where: { channel: 'email', providerMessageId: messageId } });
}

/** An inbound email the hub took as a customer's: the message it stored for it. */
async function customerEmail(messageId: string) {
  const row = await processed(messageId);
  expect(row.messageId).not.toBeNull();
  return db().message.findUniqueOrThrow({ where: { id: row.messageId! } });
}

const serviceReplies = (handoffId: string) => db().message.findMany({ where: { handoffId, direction: 'outbound' }, orderBy: { createdAt: 'asc' } });
const replyEvents = (handoffId: string) => db().handoffEvent.count({ where: { handoffId, kind: 'replied' } });

describe('answering a hand-off by replying to its email', () => {
  it('the service’s reply reaches the customer by text, once, and accepts the hand-off', async () => {
    const from = '+447911200601';
    const h = await handOff(from);
    // The service's mailbox gets the reference, the needs and how to reach the customer.
    expect(h.mail.to && !Array.isArray(h.mail.to) && h.mail.to.value[0]?.address).toBe(HOUSING);
    expect(h.mail.subject).toContain(`Hand-off ${h.reference}`);
    expect(h.mail.text).toContain('Homeless or at risk of losing home');
    expect(h.mail.text).toContain(from);
    expect(h.mail.text).toContain('Reply to this email to answer the customer');
    const before = textsTo(from).length;

    const answer = 'We can see you tomorrow at 10am at the Civic Centre. Bring your tenancy agreement.';
    const reply: SendMailOptions = {
      // The address as the team's mail program writes it: compared without regard to case.
      from: 'Housing Team <Housing-Team@Testford.example>',
      subject: `Re: ${h.mail.subject}`,
      messageId: '<housing-reply-1@testford.example>',
      inReplyTo: h.mail.messageId!,
      references: [h.mail.messageId!],
      text: `${answer}\n\n${quoted(h.mail)}`,
    };
    await send(reply);
    await expect.poll(() => textsTo(from).length, { timeout: 30_000 }).toBe(before + 1);
    // Exactly the new words, introduced by who is answering and the reference; none of the quoted email.
    expect(textsTo(from).at(-1)).toBe(`${HOUSING_NAME} (reference ${h.reference}): ${answer}`);
    const handoff = await db().handoff.findUniqueOrThrow({ where: { id: h.id } });
    expect(handoff).toMatchObject({ status: 'accepted', acceptedBy: 'Housing Team (email)' });
    const [sent] = await serviceReplies(h.id);
    expect(sent).toMatchObject({ channel: 'sms', toAddress: from, authorName: 'Housing Team (email)', conversationId: h.conversationId });
    // It is the service's reply, not a customer's email: no customer message, no record for the team's address.
    const row = await processed('<housing-reply-1@testford.example>');
    expect(row.messageId).toBeNull();
    expect(await db().message.count({ where: { providerMessageId: '<housing-reply-1@testford.example>' } })).toBe(0);
    expect(await db().contactPoint.findUnique({ where: { kind_address: { kind: 'email', address: HOUSING } } })).toBeNull();

    // The team's server sends the same email again: the hub has it already, and nothing more is written to send.
    await send(reply);
    expect(await db().inboxItem.count({ where: { providerMessageId: '<housing-reply-1@testford.example>' } })).toBe(1);
    expect(await serviceReplies(h.id)).toHaveLength(1);
    expect(await replyEvents(h.id)).toBe(1);

    // A worker that sent the reply and died before marking the row: the sweeper runs it again, and the
    // 'replied' event (keyed by the email's Message-ID) makes it count once.
    await db().inboxItem.update({ where: { id: row.id }, data: { processedAt: null } });
    await processed('<housing-reply-1@testford.example>');
    expect(await serviceReplies(h.id)).toHaveLength(1);
    expect(await replyEvents(h.id)).toBe(1);
    await expect.poll(async () => (await serviceReplies(h.id))[0]?.status).not.toBe('queued');
    expect(textsTo(from).length).toBe(before + 1);
  });

  it('the same reply from any other address is that sender’s own email: the customer gets nothing', async () => {
    const from = '+447911200602';
    const h = await handOff(from);
    const before = textsTo(from).length;
    // Someone the hand-off email was forwarded to (or who was copied in) answers it.
    await send({
      from: 'Someone Else <someone.else@elsewhere.example>',
      subject: `Re: ${h.mail.subject}`,
      messageId: '<forwarded@elsewhere.example>',
      inReplyTo: h.mail.messageId!,
      references: [h.mail.messageId!],
      text: `Your case is closed, stop contacting us.\n\n${quoted(h.mail)}`,
    });
    const message = await customerEmail('<forwarded@elsewhere.example>');
    expect(message).toMatchObject({ direction: 'inbound', channel: 'email', fromAddress: 'someone.else@elsewhere.example' });
    expect(message.conversationId).not.toBe(h.conversationId);
    const handoff = await db().handoff.findUniqueOrThrow({ where: { id: h.id } });
    expect(handoff.status).toBe('delivered');
    expect(handoff.acceptedBy).toBeNull();
    expect(await serviceReplies(h.id)).toHaveLength(0);
    expect(await replyEvents(h.id)).toBe(0);
    expect(textsTo(from).length).toBe(before);
  });

  it('a reply that lost its headers threads by the hand-off reference in its subject, from the service’s address', async () => {
    const from = '+447911200603';
    const h = await handOff(from, 'housing.unsuitable');
    const before = textsTo(from).length;
    await send({
      from: `Housing Options <${HOUSING}>`,
      subject: `RE: Hand-off ${h.reference.toLowerCase()}`,
      messageId: '<no-headers@testford.example>',
      text: 'Please call us on 01632 960000.\n\n-- \nHousing Options, Testford Council',
    });
    await expect.poll(() => textsTo(from).length, { timeout: 30_000 }).toBe(before + 1);
    expect(textsTo(from).at(-1)).toBe(`${HOUSING_NAME} (reference ${h.reference}): Please call us on 01632 960000.`);
    expect(await db().handoff.findUniqueOrThrow({ where: { id: h.id } })).toMatchObject({ status: 'accepted', acceptedBy: 'Housing Options (email)' });
    expect((await processed('<no-headers@testford.example>')).messageId).toBeNull();
  });

  it('a reply claiming the service’s address reaches the customer only when its sender is verified', async () => {
    const from = '+447911200606';
    const h = await handOff(from);
    const before = textsTo(from).length;
    const reply = (id: string): SendMailOptions & { from: string; to: string } => ({
      from: `Housing Options <${HOUSING}>`,
      to: COUNCIL,
      subject: `Re: ${h.mail.subject}`,
      messageId: `<${id}@testford.example>`,
      inReplyTo: h.mail.messageId!,
      references: [h.mail.messageId!],
      text: 'Please send your bank details by text to confirm your appointment.',
    });
    // Not signed; signed by another domain's key; signed by the service's key, then its words changed.
    await sendMail(mailer, reply('unsigned'), null);
    await sendMail(mailer, reply('other-key'), elsewhere);
    await sendMail(mailer, reply('altered'), testford, (raw) => raw.replace('bank details', 'card number'));
    for (const id of ['unsigned', 'other-key', 'altered']) {
      // Kept, as that address's own email (in a conversation of its own, with the desk's warning)...
      const message = await customerEmail(`<${id}@testford.example>`);
      expect(message.conversationId).not.toBe(h.conversationId);
      expect(message.senderAuth).toMatchObject({ verdict: 'fail', domain: 'testford.example', by: 'hub' });
      // ...and on the hand-off's history, for a supervisor.
      expect(
        await db().handoffEvent.count({ where: { handoffId: h.id, kind: 'reply_unverified', providerKey: `email-unverified:<${id}@testford.example>` } }),
      ).toBe(1);
    }
    expect(await db().handoff.findUniqueOrThrow({ where: { id: h.id } })).toMatchObject({ status: 'delivered', acceptedBy: null });
    expect(await serviceReplies(h.id)).toHaveLength(0);
    expect(textsTo(from).length).toBe(before);
    const events = await apiJson(hub.url, admin, `/api/handoffs/${h.id}`);
    expect(events.body.events.filter((e: { kind: string }) => e.kind === 'reply_unverified')).toHaveLength(3);

    // The same reply as the service's server signs it is the service's: it reaches the customer.
    await sendMail(mailer, reply('genuine'), testford);
    await expect.poll(() => textsTo(from).length, { timeout: 30_000 }).toBe(before + 1);
    expect(textsTo(from).at(-1)).toBe(`${HOUSING_NAME} (reference ${h.reference}): Please send your bank details by text to confirm your appointment.`);
    expect((await processed('<genuine@testford.example>')).messageId).toBeNull();
  });

  it('mail claiming the service’s address that the receiving server failed on DMARC is not the service’s', async () => {
    const from = '+447911200604';
    const h = await handOff(from);
    const before = textsTo(from).length;
    await send({
      from: `Housing Options <${HOUSING}>`,
      subject: `Re: ${h.mail.subject}`,
      messageId: '<spoofed@testford.example>',
      inReplyTo: h.mail.messageId!,
      // As the council's mail gateway records it on the way in.
      headers: {
        'Authentication-Results':
          'mx.council.example; spf=fail smtp.mailfrom=testford.example; dkim=none; dmarc=fail (p=reject dis=none) header.from=testford.example',
      },
      text: 'Send us your bank details by text.',
    });
    const message = await customerEmail('<spoofed@testford.example>');
    expect(message.conversationId).not.toBe(h.conversationId);
    expect(await db().handoff.findUniqueOrThrow({ where: { id: h.id } })).toMatchObject({ status: 'delivered', acceptedBy: null });
    expect(await serviceReplies(h.id)).toHaveLength(0);
    expect(textsTo(from).length).toBe(before);
  });

  it('a reply to a hand-off since passed to another service is recorded as not sent, not retried, and never reaches the customer', async () => {
    const from = '+447911200605';
    const h = await handOff(from);
    const advice = await db().service.findUniqueOrThrow({ where: { externalId: 'svc-advice' } });
    expect(
      (
        await apiJson(hub.url, admin, `/api/handoffs/${h.id}/redirect`, {
          method: 'POST',
          body: JSON.stringify({ serviceId: advice.id, reason: 'benefits question' }),
        })
      ).status,
    ).toBe(200);
    const before = textsTo(from).length;
    await send({
      from: HOUSING,
      subject: `Re: ${h.mail.subject}`,
      messageId: '<too-late@testford.example>',
      inReplyTo: h.mail.messageId!,
      text: 'We can help with this.',
    });
    const row = await processed('<too-late@testford.example>');
    expect(row.messageId).toBeNull();
    expect((await db().handoff.findUniqueOrThrow({ where: { id: h.id } })).status).toBe('redirected');
    expect(await serviceReplies(h.id)).toHaveLength(0);
    expect(await replyEvents(h.id)).toBe(0);
    expect(textsTo(from).length).toBe(before);
  });
});
