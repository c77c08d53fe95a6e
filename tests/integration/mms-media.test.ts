// Pictures and files sent by MMS and WhatsApp: Twilio keeps them and the webhook only links to them. The hub's
// worker fetches them from Twilio (the fake, through TWILIO_API_BASE_URL) with the account's credentials and
// keeps them as the message's files, downloaded from the desk like an email's. A link anywhere else is never
// fetched (no SSRF), and a fetch that fails loses nothing: the agent is told, and the hub tries again.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(3000)]);
const PDF = new Uint8Array(Buffer.from('%PDF-1.4\n% a letter from the landlord\n'));
const WHATSAPP_FROM = '+442079460002';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let elsewhere: { server: Server; url: string; requests: IncomingMessage[] };
let hub: RunningHub & { url: string };
let cookie: string;

beforeAll(async () => {
  database = await createTestDatabase('mms_media');
  twilioApi = await startFakeTwilio();
  // Another server: what a forged or replayed link might point at (an internal address).
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from(JPEG));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  elsewhere = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, WHATSAPP_FROM }));
  cookie = await signIn(hub.url);
});
afterAll(async () => {
  await hub?.stop();
  await twilioApi?.close();
  if (elsewhere) await new Promise<void>((resolve) => elsewhere.server.close(() => resolve()));
  await database?.drop();
});

const mediaSid = () => `ME${randomBytes(16).toString('hex')}`;
const mediaPath = (messageSid: string) => `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages/${messageSid}/Media/${mediaSid()}`;
const newMmsSid = () => `MM${randomBytes(16).toString('hex')}`;

/** An MMS (or WhatsApp message) as Twilio posts it, with links to its media. */
async function sendMms(
  from: string,
  body: string,
  media: { url: string; contentType: string }[],
  opts: { sid?: string; whatsapp?: boolean } = {},
): Promise<string> {
  const sid = opts.sid ?? newMmsSid();
  const fields: Record<string, string> = { ...inboundSmsFields(from, body, sid), NumMedia: String(media.length) };
  media.forEach((m, i) => Object.assign(fields, { [`MediaUrl${i}`]: m.url, [`MediaContentType${i}`]: m.contentType }));
  if (opts.whatsapp) Object.assign(fields, { From: `whatsapp:${from}`, To: `whatsapp:${WHATSAPP_FROM}` });
  const answered = await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, opts.whatsapp ? '/webhooks/twilio/whatsapp' : '/webhooks/twilio/sms', fields);
  expect(answered.status).toBe(200);
  return sid;
}

/** The message as the desk reads it (null until the worker has stored it). */
async function messageView(sid: string): Promise<MessageView | null> {
  const row = await hub.database.prisma.message.findFirst({ where: { providerMessageId: sid }, select: { conversationId: true } });
  if (!row) return null;
  const res = await fetch(`${hub.url}/api/conversations/${row.conversationId}`, { headers: { cookie } });
  const { conversation } = (await res.json()) as { conversation: { messages: MessageView[] } };
  return conversation.messages.find((m) => m.providerMessageId === sid) ?? null;
}

const fetchesOf = (path: string) => twilioApi.requests.filter((r) => r.method === 'GET' && r.path === path);

describe('media sent by MMS and WhatsApp', () => {
  it('a photo is fetched from Twilio with the account’s credentials and downloads from the desk like an email’s file', async () => {
    const sid = newMmsSid();
    const path = mediaPath(sid);
    twilioApi.media.set(path, [{ contentType: 'image/jpeg', body: JPEG }]);
    await sendMms('+447911200901', 'the mould in the bathroom', [{ url: twilioApi.url + path, contentType: 'image/jpeg' }], { sid });

    await expect.poll(async () => (await messageView(sid))?.attachments.filter((a) => a.filename).length ?? 0).toBe(1);
    const message = (await messageView(sid))!;
    expect(message.body).toBe('the mould in the bathroom');
    expect(message.notices).toEqual([]);
    expect(message.attachments[0]).toMatchObject({
      contentType: 'image/jpeg',
      size: JPEG.byteLength,
      filename: expect.stringMatching(/^sms-[0-9a-f]{8}-1\.jpg$/),
    });
    expect(fetchesOf(path).map((r) => r.headers.authorization)).toEqual([`Basic ${Buffer.from(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`).toString('base64')}`]);

    const download = await fetch(hub.url + message.attachments[0]!.url, { headers: { cookie } });
    expect(download.status).toBe(200);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename=sms-[0-9a-f]{8}-1\.jpg$/);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(JPEG);
  });

  it('a link to anywhere but Twilio’s own media is never fetched: the agent is told, and the other server hears nothing', async () => {
    const sid = newMmsSid();
    await sendMms(
      '+447911200902',
      'see attached',
      [
        // The very path Twilio would use, on another host; and an internal address.
        { url: elsewhere.url + mediaPath(sid), contentType: 'image/jpeg' },
        { url: `${elsewhere.url}/x`, contentType: 'image/png' },
      ],
      { sid },
    );
    await expect
      .poll(async () => (await messageView(sid))?.notices ?? [])
      .toEqual([
        'A picture sent with this message could not be fetched: it was not a link to Twilio’s copy of the file, so the hub did not fetch it.',
        'A picture sent with this message could not be fetched: it was not a link to Twilio’s copy of the file, so the hub did not fetch it.',
      ]);
    const message = (await messageView(sid))!;
    expect(message.body).toBe('see attached');
    expect(message.attachments).toEqual([]);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('a fetch that fails keeps the message, tells the agent, and is tried again until the file comes', async () => {
    const sid = newMmsSid();
    const path = mediaPath(sid);
    twilioApi.media.set(path, [{ status: 503 }]);
    await sendMms('+447911200903', 'letter from the landlord', [{ url: twilioApi.url + path, contentType: 'application/pdf' }], { sid });
    await expect
      .poll(async () => (await messageView(sid))?.notices ?? [])
      .toEqual(['A file sent with this message could not be fetched yet (Twilio answered 503); the hub is trying again.']);
    expect((await messageView(sid))!.body).toBe('letter from the landlord');

    twilioApi.media.set(path, [{ contentType: 'application/pdf', body: PDF }]);
    await expect
      .poll(async () => (await messageView(sid))?.attachments.map((a) => a.filename ?? 'not fetched') ?? [])
      .toEqual([expect.stringMatching(/^sms-[0-9a-f]{8}-1\.pdf$/)]);
    expect((await messageView(sid))!.notices).toEqual([]);
    expect(fetchesOf(path).length).toBeGreaterThanOrEqual(2);
  });

  it('a type not accepted is not fetched, and a file Twilio no longer has is given up at once', async () => {
    const sid = newMmsSid();
    const html = mediaPath(sid);
    const gone = mediaPath(sid);
    twilioApi.media.set(html, [{ contentType: 'text/html', body: new Uint8Array(Buffer.from('<script>alert(1)</script>')) }]);
    twilioApi.media.set(gone, [{ status: 404 }]);
    await sendMms(
      '+447911200904',
      'two files',
      [
        { url: twilioApi.url + html, contentType: 'text/html' },
        { url: twilioApi.url + gone, contentType: 'video/mp4' },
      ],
      { sid },
    );
    await expect
      .poll(async () => (await messageView(sid))?.notices ?? [])
      .toEqual([
        'A file sent with this message could not be fetched: files of type text/html are not accepted.',
        'A video sent with this message could not be fetched: Twilio answered 404.',
      ]);
    expect(fetchesOf(html)).toHaveLength(0);
    expect(fetchesOf(gone)).toHaveLength(1);
  });

  it('WhatsApp media is fetched the same way', async () => {
    const sid = newMmsSid();
    const path = mediaPath(sid);
    twilioApi.media.set(path, [{ contentType: 'image/jpeg', body: JPEG }]);
    await sendMms('+447911200905', '', [{ url: twilioApi.url + path, contentType: 'image/jpeg' }], { sid, whatsapp: true });
    await expect
      .poll(async () => (await messageView(sid))?.attachments.map((a) => a.filename) ?? [])
      .toEqual([expect.stringMatching(/^whatsapp-[0-9a-f]{8}-1\.jpg$/)]);
  });
});
