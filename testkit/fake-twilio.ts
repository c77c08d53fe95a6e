// A fake Twilio REST API on 127.0.0.1: speaks the Messages.json, Calls.json (create) and Calls/{Sid}.json (update) resources the real twilio SDK calls,
// serves the media of inbound messages (MediaUrl0… point here when the hub's TWILIO_API_BASE_URL does), records
// every request exactly as received, and can be told to fail the way Twilio does.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  form: Record<string, string>;
}

export type FakeBehaviour =
  | { kind: 'ok' }
  | { kind: 'error'; status: number; code: number; message: string }
  | { kind: 'hang' }
  /** The message is created (it will go out), but the answer is lost on the way back. */
  | { kind: 'lost-answer' };

/** One answer to a media GET: the file, or a status (a failure, or a redirect to `location`). */
export interface FakeMedia {
  status?: number;
  contentType?: string;
  body?: Uint8Array;
  location?: string;
}

export interface FakeTwilio {
  url: string;
  /** Media by path (/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME…): answers used one per request, the last repeated. */
  media: Map<string, FakeMedia[]>;
  requests: RecordedRequest[];
  /** Behaviours consumed one per request; when empty, requests succeed. */
  queue: FakeBehaviour[];
  /** Resolves when `count` Messages.json requests have been received. */
  waitForRequests(count: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const requests: RecordedRequest[] = [];
  const queue: FakeBehaviour[] = [];
  const waiters: { count: number; resolve: (r: RecordedRequest[]) => void }[] = [];
  const hanging = new Set<() => void>();
  /** Messages created, newest first, as Twilio lists them. */
  const created: Record<string, unknown>[] = [];
  const media = new Map<string, FakeMedia[]>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const url = new URL(req.url ?? '/', 'http://fake');
      const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(url.pathname);
      const callUpdate = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(req.url ?? '');
      const callCreate = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Calls\.json$/.exec(url.pathname);
      const recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, form };
      requests.push(recorded);
      for (const w of [...waiters])
        if (requests.length >= w.count) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(requests.slice());
        }
      if (req.method === 'GET' && /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages\/(MM|SM)[0-9a-f]{32}\/Media\/ME[0-9a-f]{32}$/.test(url.pathname)) {
        const answers = media.get(url.pathname);
        const answer = (answers && answers.length > 1 ? answers.shift() : answers?.[0]) ?? { status: 404 };
        const status = answer.status ?? 200;
        res.writeHead(status, { 'content-type': answer.contentType ?? 'application/json', ...(answer.location ? { location: answer.location } : {}) });
        res.end(answer.body ?? (status === 200 ? '' : JSON.stringify({ code: 20404, message: 'not found', status })));
        return;
      }
      if (match && req.method === 'GET') {
        // The Messages list resource, filtered by To and From, newest first.
        const to = url.searchParams.get('To');
        const from = url.searchParams.get('From');
        const page = created.filter((m) => (!to || m.to === to) && (!from || m.from === from)).slice(0, Number(url.searchParams.get('PageSize') ?? 50));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            messages: page,
            end: page.length - 1,
            first_page_uri: url.pathname,
            next_page_uri: null,
            page: 0,
            page_size: page.length,
            previous_page_uri: null,
            start: 0,
            uri: url.pathname,
          }),
        );
        return;
      }
      if (!(match || callUpdate || callCreate) || req.method !== 'POST') {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 20404, message: 'The requested resource was not found', status: 404 }));
        return;
      }
      const behaviour = queue.shift() ?? { kind: 'ok' };
      if (behaviour.kind === 'hang') {
        hanging.add(() => res.destroy());
        return;
      }
      if (behaviour.kind === 'error') {
        res.writeHead(behaviour.status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            code: behaviour.code,
            message: behaviour.message,
            more_info: `https://www.twilio.com/docs/errors/${behaviour.code}`,
            status: behaviour.status,
          }),
        );
        return;
      }
      const now = new Date().toUTCString();
      if (callUpdate) {
        // The call resource as Twilio returns it after a redirect with new TwiML.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            account_sid: callUpdate[1],
            sid: callUpdate[2],
            status: 'in-progress',
            direction: 'inbound',
            date_updated: now,
            uri: `/2010-04-01/Accounts/${callUpdate[1]}/Calls/${callUpdate[2]}.json`,
          }),
        );
        return;
      }
      if (callCreate) {
        // A new outbound call, as Twilio answers before it rings: Url is fetched when the callee answers.
        const sid = `CA${randomBytes(16).toString('hex')}`;
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            account_sid: callCreate[1],
            sid,
            to: form.To,
            from: form.From,
            status: 'queued',
            direction: 'outbound-api',
            date_created: now,
            date_updated: now,
            uri: `/2010-04-01/Accounts/${callCreate[1]}/Calls/${sid}.json`,
          }),
        );
        return;
      }
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const resource = {
        account_sid: match![1],
        api_version: '2010-04-01',
        body: form.Body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: form.From,
        messaging_service_sid: null,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid,
        status: 'queued',
        subresource_uris: {},
        to: form.To,
        uri: `/2010-04-01/Accounts/${match![1]}/Messages/${sid}.json`,
      };
      created.unshift(resource);
      if (behaviour.kind === 'lost-answer') {
        hanging.add(() => res.destroy());
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify(resource));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    media,
    requests,
    queue,
    waitForRequests: (count) => (requests.length >= count ? Promise.resolve(requests.slice()) : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: async () => {
      for (const end of hanging) end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
