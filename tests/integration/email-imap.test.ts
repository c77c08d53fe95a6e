// Email from an IMAP mailbox: a real IMAP server on 127.0.0.1 (hoodiecrow, in memory) stands in for the
// council's own mail server; mail is appended to its INBOX as a delivering server would, and the hub reads
// it with imapflow. No SMTP listener runs: IMAP alone switches the channel on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import type { Socket } from 'socket.io-client';
// @ts-expect-error -- the package ships no types: `hoodiecrow(options).listen(port, host, callback)`.
import hoodiecrow from 'hoodiecrow-imap';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { freePort } from '../../testkit/processes.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { Env } from '../../hub/config.ts';

const COUNCIL = 'contact@council.example';

let database: TestDatabase;
let imapServer: { close(callback: () => void): void };
let mailbox: ImapFlow;
let env: Env;
let hub: RunningHub & { url: string };
let desk: Socket;

async function startHub() {
  hub = await startTestHub(env);
  desk = await connectDesk(hub.url, await signIn(hub.url));
}

async function stopHub() {
  desk.close();
  await hub.stop();
}

beforeAll(async () => {
  database = await createTestDatabase('email_imap');
  const port = await freePort();
  imapServer = hoodiecrow({ plugins: ['IDLE', 'ENABLE', 'UIDPLUS', 'ID'], storage: { INBOX: { messages: [] } } });
  await new Promise<void>((resolve) => (imapServer as unknown as { listen(p: number, h: string, cb: () => void): void }).listen(port, '127.0.0.1', resolve));
  // The council's side of the mailbox: where its mail server delivers, and where staff would look.
  mailbox = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: 'testuser', pass: 'testpass' }, logger: false });
  await mailbox.connect();
  env = testEnv({
    DATABASE_URL: database.url,
    EMAIL_INBOUND_ADDRESSES: COUNCIL,
    EMAIL_IMAP_URL: `imap://testuser:testpass@127.0.0.1:${port}/INBOX`,
    EMAIL_IMAP_POLL_MS: '5000',
  });
  await startHub();
});

afterAll(async () => {
  await stopHub().catch(() => undefined);
  await mailbox?.logout().catch(() => undefined);
  await new Promise<void>((resolve) => (imapServer ? imapServer.close(() => resolve()) : resolve()));
  await database?.drop();
});

const db = () => hub.database.prisma;

const rfc822 = (messageId: string, text: string, from = 'Mary Jones <mary.jones@example.org>') =>
  [
    `From: ${from}`,
    `To: ${COUNCIL}`,
    `Subject: Missed bin`,
    `Message-ID: ${messageId}`,
    'Date: Mon, 23 Nov 2026 09:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '',
  ].join('\r\n');

async function flagsOf(uid: number): Promise<string[]> {
  const lock = await mailbox.getMailboxLock('INBOX');
  try {
    const message = await mailbox.fetchOne(String(uid), { flags: true }, { uid: true });
    return message ? [...(message.flags ?? [])].sort() : [];
  } finally {
    lock.release();
  }
}

async function append(raw: string): Promise<number> {
  const result = await mailbox.append('INBOX', raw);
  if (!result || !result.uid) throw new Error('the IMAP server did not say where it put the message');
  return result.uid;
}

describe('email from an IMAP mailbox', () => {
  let firstUid: number;

  it('takes new mail in, shows it on the desk, and marks it read in the mailbox only once stored', async () => {
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === '<imap-1@example.org>');
    firstUid = await append(rfc822('<imap-1@example.org>', 'My bin was not emptied.\n\n> older quoted text'));
    const message = await arrived;
    expect(message.channel).toBe('email');
    expect(message.body).toBe('My bin was not emptied.');
    expect(message.fromAddress).toBe('mary.jones@example.org');
    expect(message.toAddress).toBe(COUNCIL);
    await expect.poll(() => flagsOf(firstUid)).toEqual(['\\Seen']);
  });

  it('the same message delivered to the mailbox twice is stored once', async () => {
    const uid = await append(rfc822('<imap-1@example.org>', 'My bin was not emptied.'));
    await expect.poll(() => flagsOf(uid)).toEqual(['\\Seen']);
    expect(await db().message.count({ where: { providerMessageId: '<imap-1@example.org>' } })).toBe(1);
  });

  it('mail that is not a customer’s is flagged in the mailbox for staff, and not stored', async () => {
    const before = await db().inboxItem.count();
    const uid = await append(rfc822('<nobody@example.org>', 'no usable sender', 'not an address'));
    await expect.poll(() => flagsOf(uid)).toEqual(['\\Flagged', '\\Seen']);
    expect(await db().inboxItem.count()).toBe(before);
  });

  it('after a restart it reads what arrived meanwhile, and re-reading stored mail stores nothing twice', async () => {
    await stopHub();
    const uid = await append(rfc822('<imap-2@example.org>', 'Still no collection.'));
    // As if the hub had died after storing the first message but before marking it read.
    const lock = await mailbox.getMailboxLock('INBOX');
    await mailbox.messageFlagsRemove(String(firstUid), ['\\Seen'], { uid: true }).finally(() => lock.release());
    expect(await flagsOf(uid)).toEqual([]);

    await startHub();
    await expect.poll(() => db().message.count({ where: { providerMessageId: '<imap-2@example.org>' } })).toBe(1);
    await expect.poll(() => flagsOf(uid)).toEqual(['\\Seen']);
    await expect.poll(() => flagsOf(firstUid)).toEqual(['\\Seen']);
    expect(await db().message.count({ where: { providerMessageId: '<imap-1@example.org>' } })).toBe(1);
    expect(await db().inboxItem.count({ where: { processedAt: null } })).toBe(0);
  });
});
