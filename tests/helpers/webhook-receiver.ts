// A service's own system receiving the hub's signed hand-off webhooks: it keeps every request, and can be "down"
// (503) for the requests a rule matches, as many times as the rule says.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  received: Received[];
  down: { match: (body: any) => boolean; times: number }[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const down: WebhookReceiver['down'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const rule = down.find((r) => r.times > 0 && r.match(JSON.parse(raw)));
      if (rule) rule.times--;
      const status = rule ? 503 : 200;
      received.push({ headers: req.headers, raw, answered: status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/open311/requests`,
    received,
    down,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
