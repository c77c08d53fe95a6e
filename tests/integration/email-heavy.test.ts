// Hostile and huge mail must not freeze the hub. A 766 KB reply whose quoted history is one long line made
// the quote parser run for minutes on the event loop; a 25 MB body stalled /health for 11 s, long enough for
// SMS webhooks to pass Twilio's 15 s limit and be lost. Mail is parsed in worker threads now: the event loop
// is watched, and SMS webhooks sent, the whole while.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { PUBLIC_BASE_URL, startTestHub, testEnv } from '../helpers/hub.ts';
import { freePort } from '../../testkit/processes.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';

const COUNCIL = 'contact@council.example';
let database: TestDatabase;
let hub: Awaited<ReturnType<typeof startTestHub>>;
let smtpPort: number;

beforeAll(async () => {
  database = await createTestDatabase('email_heavy');
  smtpPort = await freePort();
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      EMAIL_INBOUND_ADDRESSES: COUNCIL,
      SMTP_PORT: String(smtpPort),
      SMTP_HOST: '127.0.0.1',
      EMAIL_MAX_BYTES: String(30 * 1024 * 1024),
      // Parsing 25 MB on a CI box whose two cores run other test files can pass the default 10 s budget; the
      // mail is then refused for now (451) and a sending server tries again, as the sender below does.
      EMAIL_PARSE_BUDGET_MS: '60000',
    }),
  );
});
afterAll(async () => {
  await hub?.stop();
  await database?.drop();
});

/** A reply with 766 KB of quoted history flattened into one line, the shape that makes the quote parser quadratic. */
function quotedReply(): string {
  const history = Array.from({ length: 40_000 }, (_, i) => `On ${1 + (i % 28)} Oct the council wrote about the repair`).join(' ');
  return `Thank you, Thursday morning is fine for the repair.\n\nOn Mon, 2 Nov 2026 at 09:12, Housing <housing@council.example> wrote:\n${history.slice(0, 766_000)}`;
}

describe('mail that would freeze the hub', () => {
  it('a 766 KB quoted reply and a 25 MB body are stored while the event loop keeps turning and SMS webhooks keep answering', async () => {
    // Sent from another process, as mail comes from another machine: encoding and sending 25 MB is the
    // sender's work, and this test's own process is the hub's. Like a sending server, it tries again after a 4xx.
    const dir = mkdtempSync(path.join(tmpdir(), 'heavy-mail-'));
    const build = (mail: ConstructorParameters<typeof MailComposer>[0]) => new MailComposer(mail).compile().build();
    writeFileSync(
      path.join(dir, 'quoted.eml'),
      await build({ from: 'tenant@example.org', to: COUNCIL, subject: 'Re: Repair appointment', messageId: '<quoted-766k@example.org>', text: quotedReply() }),
    );
    writeFileSync(
      path.join(dir, 'big.eml'),
      await build({
        from: 'big@example.org',
        to: COUNCIL,
        subject: 'Everything',
        messageId: '<body-25mb@example.org>',
        text: `Please read all of this.\n${'a line of a very long letter to the council\n'.repeat(600_000)}`,
      }),
    );
    const send = (file: string, from: string) =>
      new Promise<void>((resolve, reject) => {
        const script = `const n=require('nodemailer');const t=n.createTransport({host:'127.0.0.1',port:${smtpPort},secure:false,ignoreTLS:true});const raw=require('fs').readFileSync(${JSON.stringify(path.join(dir, file))});const go=(left)=>t.sendMail({envelope:{from:${JSON.stringify(from)},to:[${JSON.stringify(COUNCIL)}]},raw}).then(()=>process.exit(0),(e)=>{if(left>0&&e.responseCode>=400&&e.responseCode<500)return setTimeout(()=>go(left-1),1000);console.error(e.message);process.exit(1)});go(3)`;
        execFile(process.execPath, ['-e', script], { cwd: process.cwd() }, (error, _stdout, stderr) =>
          error ? reject(new Error(stderr || error.message)) : resolve(),
        );
      });
    // The hub runs in this process: how long its event loop was ever held up while the mail came in.
    const stalls = monitorEventLoopDelay({ resolution: 20 });
    stalls.enable();
    let webhooks = 0;
    let sending = true;
    // An SMS every 100 ms for as long as the mail is being taken in, each timed from post to answer.
    const probe = (async () => {
      while (sending) {
        const res = await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields('+447911200991', `still here ${webhooks}`));
        await res.arrayBuffer();
        expect(res.status).toBe(200);
        webhooks++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await Promise.all([send('quoted.eml', 'tenant@example.org'), send('big.eml', 'big@example.org')]);
      const db = hub.database.prisma;
      await expect
        .poll(() => db.message.findFirst({ where: { providerMessageId: '<quoted-766k@example.org>' }, select: { body: true } }), { timeout: 60_000 })
        .toEqual({
          body: 'Thank you, Thursday morning is fine for the repair.',
        });
      await expect.poll(() => db.message.count({ where: { providerMessageId: '<body-25mb@example.org>' } }), { timeout: 60_000 }).toBe(1);
      const stored = await db.message.findFirstOrThrow({ where: { providerMessageId: '<body-25mb@example.org>' }, select: { body: true } });
      expect(stored.body.startsWith('Please read all of this.')).toBe(true);
      expect(stored.body.length).toBeLessThanOrEqual(20_000);
    } finally {
      sending = false;
      await probe;
      rmSync(dir, { recursive: true, force: true });
    }
    stalls.disable();
    expect(webhooks).toBeGreaterThan(5);
    // Parsed on the event loop, the 25 MB body held it (and every webhook) for 11 s on an idle machine; Twilio
    // gives up at 15 s. The event loop's longest hold-up is what this promise is about: a webhook's own time
    // also waits on PostgreSQL and Redis, which a loaded CI box slows without anything being blocked.
    // Seen: 3.1 s on a CI box running every test file (a hold-up is left to find, see the session note); the 5 s
    // bound is the one webhooks had before, and the 11 s of parsing on the event loop fails it.
    expect(stalls.max / 1e6).toBeLessThan(5_000);
  }, 180_000);
});
