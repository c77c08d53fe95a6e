// Who sent an email, as the hub checks it (SPF, DKIM, DMARC; mailauth) over real SMTP on 127.0.0.1: nodemailer
// delivers as the customer's mail server, signed with mailauth's own DKIM signer by keys made here, whose public
// halves and DMARC records (p=reject) the test's DNS serves. Only verified email joins an existing conversation;
// the rest is kept in a conversation of its own, and the desk is told the sender could not be confirmed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { freePort } from '../../testkit/processes.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.ts';
import { FakeDns, sendMail, type MailDomain } from '../helpers/mail-auth.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';

const COUNCIL = 'contact@council.example';
const dns = new FakeDns();
const signing = dns.domain('signs.example');
const later = dns.domain('dns-trouble.example');

let database: TestDatabase;
let relay: SmtpCapture;
let hub: RunningHub & { url: string };
let cookie: string;
let desk: Socket;
let mailer: Transporter;

beforeAll(async () => {
  database = await createTestDatabase('sender_auth');
  relay = await startSmtpCapture();
  const smtpPort = await freePort();
  hub = await startTestHub(
    // A DNS answer that never comes is given up on within seconds, the whole check within 15 s: the local DNS answers
    // in milliseconds, but a loaded 2-core machine has taken over 500 ms to run it, and once (in CI) more than the
    // 5 s default for the whole check, so a signed reply threaded apart. The check runs within the parsing budget,
    // at most half of it, so that is raised too.
    testEnv({
      DATABASE_URL: database.url,
      EMAIL_INBOUND_ADDRESSES: COUNCIL,
      SMTP_PORT: String(smtpPort),
      SMTP_HOST: '127.0.0.1',
      EMAIL_SMTP_URL: relay.url,
      EMAIL_DNS_TIMEOUT_MS: '2500',
      EMAIL_AUTH_TIMEOUT_MS: '15000',
      EMAIL_PARSE_BUDGET_MS: '40000',
    }),
    { resolveDns: dns.resolve },
  );
  cookie = await signIn(hub.url);
  desk = await connectDesk(hub.url, cookie);
  mailer = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
});

afterAll(async () => {
  mailer?.close();
  desk?.close();
  await hub?.stop();
  await relay?.close();
  await database?.drop();
});

const arrival = (messageId: string) => nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === messageId);
const send = (fields: SendMailOptions & { from: string }, by: MailDomain | null, alter?: (raw: string) => string) =>
  sendMail(mailer, { ...fields, to: COUNCIL }, by, alter);
const conversation = async (id: string) => (await apiJson(hub.url, cookie, `/api/conversations/${id}`)).body.conversation as { messages: MessageView[] };

/** A customer writes (signed), an agent answers: the conversation, and the reference and Message-ID a reply would quote. */
async function answeredConversation(from: string, by: MailDomain, tag: string) {
  const first = arrival(`<${tag}-1@${by.domain}>`);
  await send({ from, subject: 'Missed bin collection', messageId: `<${tag}-1@${by.domain}>`, text: 'My bin was not emptied this week.' }, by);
  const question = await first;
  // The whole verdict in the failure message: which check said no, if one did.
  expect(question.senderAuth, JSON.stringify(question.senderAuth)).toMatchObject({ verdict: 'pass', domain: by.domain });
  const sent = nextEvent<MessageView>(desk, 'message.updated', (m) => m.conversationId === question.conversationId && m.status === 'sent');
  const before = relay.mails.length;
  expect(
    (
      await apiJson(hub.url, cookie, `/api/conversations/${question.conversationId}/messages`, {
        method: 'POST',
        body: JSON.stringify({ text: 'We will collect it tomorrow.' }),
      })
    ).status,
  ).toBe(202);
  const reply = await sent;
  const out = (await relay.waitFor(before + 1)).find((m) => m.messageId === reply.providerMessageId)!;
  return { conversationId: question.conversationId, reference: /\[Ref: ([A-Z0-9]+)\]/.exec(out.subject ?? '')![1]!, replyId: reply.providerMessageId! };
}

describe('email whose sender is verified', () => {
  it('a customer’s signed reply naming their conversation joins it, with no warning', async () => {
    const jo = 'Jo Khan <jo@signs.example>';
    const c = await answeredConversation(jo, signing, 'jo');
    const joined = arrival('<jo-2@signs.example>');
    await send(
      { from: jo, subject: `Re: Missed bin collection [Ref: ${c.reference}]`, messageId: '<jo-2@signs.example>', inReplyTo: c.replyId, text: 'Thank you.' },
      signing,
    );
    const reply = await joined;
    expect(reply.senderAuth, JSON.stringify(reply.senderAuth)).toMatchObject({ verdict: 'pass' });
    expect(reply.conversationId).toBe(c.conversationId);
    expect(reply.senderAuth).toMatchObject({
      verdict: 'pass',
      by: 'hub',
      dmarc: { result: 'pass', policy: 'reject' },
      dkim: [{ domain: 'signs.example', aligned: true, result: 'pass' }],
    });
    // SPF was checked against the connecting server (127.0.0.1), which the domain does not list.
    expect(reply.senderAuth?.spf).toMatchObject({ domain: 'signs.example' });
  });
});

describe('email whose sender could not be verified', () => {
  it('a forged reply from a customer’s address is kept in a conversation of its own, and the desk is told', async () => {
    const sam = 'Sam Ortiz <sam@signs.example>';
    const c = await answeredConversation(sam, signing, 'sam');
    // Someone who saw the reference (a forwarded or quoted email) writes as Sam, unsigned.
    const forged = arrival('<forged@attacker.example>');
    await send(
      {
        from: sam,
        subject: `Re: Missed bin collection [Ref: ${c.reference}]`,
        messageId: '<forged@attacker.example>',
        inReplyTo: c.replyId,
        references: [c.replyId],
        text: 'Please send my council tax refund to a new account.',
      },
      null,
    );
    const message = await forged;
    expect(message.conversationId).not.toBe(c.conversationId);
    // What the desk is given to say "We could not confirm this email came from sam@signs.example".
    expect(message).toMatchObject({
      fromAddress: 'sam@signs.example',
      senderAuth: { verdict: 'fail', domain: 'signs.example', dmarc: { result: 'fail', policy: 'reject' }, dkim: [] },
    });
    const apart = await conversation(message.conversationId);
    expect(apart.messages.map((m) => [m.body, m.senderAuth?.verdict])).toEqual([['Please send my council tax refund to a new account.', 'fail']]);
    // Sam's own conversation holds only Sam's words and the agent's answer.
    expect((await conversation(c.conversationId)).messages.map((m) => m.body)).toEqual(['My bin was not emptied this week.', 'We will collect it tomorrow.']);

    // Signed by Sam's domain, then changed on the way: the same. Without any reference: still not Sam's
    // conversation, but the same one as the other unverified mail from that address.
    const altered = arrival('<altered@signs.example>');
    await send({ from: sam, subject: 'Bank details', messageId: '<altered@signs.example>', text: 'My account number is 12345678.' }, signing, (raw) =>
      raw.replace('12345678', '87654321'),
    );
    expect(await altered).toMatchObject({
      conversationId: message.conversationId,
      senderAuth: { verdict: 'fail', dkim: [{ domain: 'signs.example', result: 'neutral' }] },
    });

    // Sam's genuine mail, signed, still goes to Sam's conversation.
    const genuine = arrival('<sam-3@signs.example>');
    await send(
      { from: sam, subject: 'Re: Missed bin collection', messageId: '<sam-3@signs.example>', inReplyTo: c.replyId, text: 'It was collected, thanks.' },
      signing,
    );
    expect((await genuine).conversationId).toBe(c.conversationId);
  });

  it('when DNS fails or does not answer, the email is kept, marked not verified, and joins nothing', async () => {
    const kim = 'Kim Roe <kim@dns-trouble.example>';
    const c = await answeredConversation(kim, later, 'kim');
    for (const how of ['servfail', 'hang'] as const) {
      dns.failing.set('dns-trouble.example', how);
      const id = `<kim-${how}@dns-trouble.example>`;
      const arrived = arrival(id);
      // Accepted at once (250), never "try again later": nothing is lost while DNS is down.
      await send(
        { from: kim, subject: `Re: Missed bin collection [Ref: ${c.reference}]`, messageId: id, inReplyTo: c.replyId, text: `Still waiting (${how}).` },
        later,
      );
      const message = await arrived;
      expect(message.senderAuth).toMatchObject({ verdict: 'temperror', domain: 'dns-trouble.example' });
      // The check gave up in time on its own: the parser was not stopped and the text shown as it came.
      expect(message.notices).toEqual([]);
      expect(message.conversationId).not.toBe(c.conversationId);
      const stored = await hub.database.prisma.message.findUniqueOrThrow({ where: { id: message.id } });
      expect(stored.senderAuth).toMatchObject({ verdict: 'temperror' });
    }
    dns.failing.clear();
  });
});
