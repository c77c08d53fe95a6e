// Another page of the same site, in real Chromium, while an agent is signed in to the desk. The session cookie
// is SameSite=Strict, but a page on another port of 127.0.0.1 (or another subdomain of the council) is the
// same site, so the browser sends the cookie with everything that page asks of the hub: only the hub's check
// of where a request came from (origin.ts) stops it acting as the agent. csrf.test.ts covers the same at HTTP
// level; this proves it with what a browser really sends.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import { launchChromium, openDesk, type OpenDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { ADMIN, PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';

// The client's browser build (its package exports only the module builds, so found beside its entry point).
const SOCKET_IO_BUNDLE = path.resolve(path.dirname(createRequire(import.meta.url).resolve('socket.io-client')), '../../dist/socket.io.min.js');

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let browser: Browser;
let other: { server: Server; url: string; pages: Map<string, string> };
let desk: OpenDesk;
let conversationId: string;
let handoffId: string;

const db = () => hub.database.prisma;

/** A tiny web server on another port of 127.0.0.1: another origin, the same site. */
async function startOtherOrigin(): Promise<typeof other> {
  const pages = new Map<string, string>();
  const bundle = await readFile(SOCKET_IO_BUNDLE);
  const server = createServer((req, res) => {
    if (req.url === '/socket.io.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    const page = pages.get(req.url ?? '');
    if (page === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pages };
}

beforeAll(async () => {
  database = await createTestDatabase('same_site_browser');
  twilioApi = await startFakeTwilio();
  const file = await writeDirectory([{ id: 'svc-money', name: 'Money Advice', needs: ['money.debt'], handoff: { kind: 'desk' } }]);
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, DIRECTORY_PATH: file }));
  other = await startOtherOrigin();
  browser = await launchChromium();

  // A texting customer's need handed to a service, waiting to be accepted (set up through the API).
  const admin = await signIn(hub.url);
  const from = '+447911200811';
  await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'I am behind on my rent'));
  const ofCustomer = { customer: { contactPoints: { some: { address: from } } } };
  await vi.waitFor(async () => expect(await db().conversation.count({ where: ofCustomer })).toBe(1), { timeout: 15_000, interval: 100 });
  conversationId = (await db().conversation.findFirstOrThrow({ where: ofCustomer })).id;
  expect(
    (await apiJson(hub.url, admin, `/api/conversations/${conversationId}/needs`, { method: 'POST', body: JSON.stringify({ code: 'money.debt' }) })).status,
  ).toBe(201);
  expect(
    (await apiJson(hub.url, admin, `/api/conversations/${conversationId}/handoffs`, { method: 'POST', body: JSON.stringify({ consent: true }) })).status,
  ).toBe(201);
  handoffId = (await db().handoff.findFirstOrThrow({ where: { conversationId } })).id;

  desk = await openDesk(browser, hub.url, ADMIN);
  await desk.page.getByText('Signed in as Administrator').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await twilioApi?.close();
  if (other) await new Promise<void>((resolve) => other.server.close(() => resolve()));
  await database?.drop();
});

/** What the agent's records look like: none of it may change because of the other page. */
async function records() {
  const handoff = await db().handoff.findUniqueOrThrow({ where: { id: handoffId }, select: { status: true, acceptedBy: true } });
  const conversation = await db().conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { status: true } });
  return { handoff, conversation: conversation.status, events: await db().handoffEvent.count({ where: { handoffId } }), sessions: await db().session.count() };
}

/** Opens a page of the other origin in the agent's own browser (their cookies), recording what it sent the hub. */
async function visit(path: string, html: string): Promise<{ page: Page; sent: { request: Request; status: Promise<number | undefined> }[] }> {
  other.pages.set(path, html);
  const page = await desk.context.newPage();
  const sent: { request: Request; status: Promise<number | undefined> }[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(hub.url))
      sent.push({
        request,
        status: request
          .response()
          .then((r) => r?.status())
          .catch(() => undefined),
      });
  });
  await page.goto(`${other.url}${path}`);
  return { page, sent };
}

describe('a page of another origin on the same site, with the agent signed in', () => {
  it('cannot accept a hand-off with a form that submits itself: the cookie goes with it, and the hub refuses', async () => {
    const before = await records();
    const action = `${hub.url}/api/handoffs/${handoffId}/accept`;
    const { page, sent } = await visit(
      '/form.html',
      `<!doctype html><form method="post" action="${action}"></form><script>document.forms[0].submit()</script>`,
    );
    await page.waitForURL(action);
    expect(sent.map((s) => `${s.request.method()} ${s.request.url()}`)).toEqual([`POST ${action}`]);
    // The browser did send the session cookie: SameSite=Strict alone would not have stopped this.
    expect((await sent[0]!.request.allHeaders()).cookie).toMatch(/ch_session=/);
    expect(await sent[0]!.status).toBe(403);
    expect(await page.textContent('body')).toContain('this request did not come from the desk');
    expect(await records()).toEqual(before);
    expect(before.handoff.acceptedBy).toBeNull();
    await page.close();
  });

  it('cannot act with fetch(credentials: include): not accept, not sign the agent out, not close the conversation', async () => {
    const before = await records();
    const { page, sent } = await visit('/fetch.html', '<!doctype html><title>fetch</title>');
    const outcomes = await page.evaluate(
      async ({ hubUrl, handoff, conversation }) => {
        const tries = [
          // Requests a page may send anywhere without asking first (no preflight): only the hub can refuse them.
          fetch(`${hubUrl}/api/handoffs/${handoff}/accept`, { method: 'POST', credentials: 'include' }),
          fetch(`${hubUrl}/api/auth/logout`, { method: 'POST', credentials: 'include' }),
          // JSON needs a preflight, which the hub never grants.
          fetch(`${hubUrl}/api/conversations/${conversation}/close`, {
            method: 'POST',
            credentials: 'include',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ outcome: 'resolved' }),
          }),
        ];
        // The page may read none of the answers (no CORS headers).
        return Promise.all(
          tries.map((t) =>
            t.then(
              () => 'answered',
              (e: Error) => `refused: ${e.name}`,
            ),
          ),
        );
      },
      { hubUrl: hub.url, handoff: handoffId, conversation: conversationId },
    );
    expect(outcomes).toEqual(['refused: TypeError', 'refused: TypeError', 'refused: TypeError']);
    // The browser sent them all (with the cookie, as the form test shows); the JSON one only as its preflight.
    expect(sent.filter((s) => s.request.method() === 'POST').map((s) => new URL(s.request.url()).pathname)).toEqual([
      `/api/handoffs/${handoffId}/accept`,
      '/api/auth/logout',
      `/api/conversations/${conversationId}/close`,
    ]);
    expect(await records()).toEqual(before);
    // Still signed in: the desk reads its own session fine.
    expect(await desk.page.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(200);
    await page.close();
  });

  it('cannot open the desk socket, which would hear every conversation live', async () => {
    const { page } = await visit(
      '/socket.html',
      `<!doctype html><script src="/socket.io.js"></script><script>
        const socket = io(${JSON.stringify(`${hub.url}/desk`)}, { transports: ['websocket'], reconnection: false });
        socket.on('connect', () => { window.outcome = 'connected'; });
        socket.on('connect_error', (error) => { window.outcome = 'connect_error: ' + error.message; });
      </script>`,
    );
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { outcome?: string }).outcome), { timeout: 15_000 })
      .toBe('connect_error: not from the desk');
    await page.close();
  });
});
