// Benchmark: many web-chat customers (socket.io /chat) connected at once and sending, against a hub
// spawned as its own process on the machine's PostgreSQL and Redis. For every message it times the
// server's acknowledgement (the message is durable) and its arrival on one agent's desk socket; it
// also prints how long connecting everyone took, and the connections and memory (RSS) the hub holds.
// Linux only: the hub's memory and connections are read from /proc. Not run by the tests.
//
//   npm run bench:webchat               (BENCH_CHAT_CUSTOMERS=500 BENCH_CHAT_MESSAGES=4 by default)
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { io as connect, type Socket } from 'socket.io-client';
import { connectDesk, signIn } from '../testkit/hub-client.ts';
import type { MessageView } from '../agent-desk/server/views.ts';
import { webchatConfigSchema, type ChatAck } from '../channels/webchat/webchat.adapter.ts';
import { drive, report, startBenchHub, type Result } from './harness.ts';

const CUSTOMERS = Number(process.env.BENCH_CHAT_CUSTOMERS ?? 500);
const MESSAGES = Number(process.env.BENCH_CHAT_MESSAGES ?? 4);
/** Handshakes in flight while connecting: a burst of thousands at once only measures the backlog. */
const CONNECT_CONCURRENCY = Number(process.env.BENCH_CHAT_CONNECT_CONCURRENCY ?? 50);
/**
 * Pause after each acknowledgement before a customer's next message, and the window over which their first
 * messages are spread: N customers then offer about N / pause messages a second. 0 = all at once (capacity).
 */
const THINK_MS = Number(process.env.BENCH_CHAT_THINK_MS ?? 0);
const WARM_UP_CUSTOMERS = 20;
const WARM_UP_MESSAGES = 5;
// The adapter's own upper bounds on the two limits raised below (webchatConfigSchema).
const MAX_CONNECTIONS_PER_MINUTE = 10_000;
const MAX_MESSAGES_PER_MINUTE = 600;

if (CUSTOMERS + WARM_UP_CUSTOMERS > MAX_CONNECTIONS_PER_MINUTE || MESSAGES > MAX_MESSAGES_PER_MINUTE) {
  console.error(
    `BENCH_CHAT_CUSTOMERS must be at most ${MAX_CONNECTIONS_PER_MINUTE - WARM_UP_CUSTOMERS} and BENCH_CHAT_MESSAGES at most ${MAX_MESSAGES_PER_MINUTE} (the hub's rate-limit settings cap there)`,
  );
  process.exit(2);
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

/** Established TCP connections whose local end is the hub's port: the sockets the hub holds open. */
async function connectionsHeld(port: number): Promise<number> {
  let held = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '01' && local && parseInt(local.split(':').at(-1)!, 16) === port) held++;
    }
  }
  return held;
}

interface Chat {
  socket: Socket;
  visitorId: string;
}

/** A visitor's browser; resolves once the hub has replayed the (empty) transcript, i.e. the chat is usable. */
async function openChat(url: string): Promise<Chat> {
  const visitorId = randomUUID();
  // forceNew: socket.io-client would otherwise multiplex a namespace onto an existing connection to the same URL.
  const socket = connect(`${url}/chat`, { auth: { visitorId }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin: url } });
  await new Promise<void>((resolve, reject) => {
    socket.once('transcript', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, visitorId };
}

async function main() {
  console.log(
    `contact-hub web-chat benchmark: ${CUSTOMERS} customers × ${MESSAGES} messages (pause ${THINK_MS} ms), connecting ${CONNECT_CONCURRENCY} at a time, node ${process.version}\n`,
  );
  // Every customer connects from 127.0.0.1, so the per-address connection limit must cover all of them.
  const bench = await startBenchHub('bench_webchat', {
    WEBCHAT_CONNECTIONS_PER_MINUTE: String(CUSTOMERS + WARM_UP_CUSTOMERS),
    ...(MESSAGES > webchatConfigSchema.parse({}).WEBCHAT_MESSAGES_PER_MINUTE ? { WEBCHAT_MESSAGES_PER_MINUTE: String(MESSAGES) } : {}),
  });
  const sockets: Socket[] = []; // closed before the hub stops, so its shutdown is not a mass disconnect
  try {
    const { url } = bench;
    const pid = bench.hub.child.pid!;
    const port = Number(new URL(url).port);
    const desk = await connectDesk(url, await signIn(url));
    sockets.push(desk);
    const onDesk = new Map<string, () => void>();
    desk.on('message.created', (m: MessageView) => onDesk.get(m.providerMessageId ?? '')?.());

    /** Sends one message; resolves once acknowledged, with the time that took and a promise of its arrival at the desk. */
    const send = async (chat: Chat, text: string) => {
      const clientMessageId = randomUUID();
      const key = `${chat.visitorId}:${clientMessageId}`; // the providerMessageId the hub stores
      const t0 = performance.now();
      const atDesk = new Promise<number>((resolve, reject) => {
        // An acknowledged message that never reaches the desk is a bug: fail rather than hang.
        // (Generous: in a burst of thousands the backlog alone takes a minute or two.)
        const timer = setTimeout(() => reject(new Error(`message ${key} was acknowledged but never reached the desk`)), 600_000);
        onDesk.set(key, () => {
          clearTimeout(timer);
          onDesk.delete(key);
          resolve(performance.now() - t0);
        });
      });
      atDesk.catch(() => undefined); // reported where it is awaited
      const ack = (await chat.socket.timeout(60_000).emitWithAck('message', { clientMessageId, text })) as ChatAck;
      if (!ack.ok) throw new Error(`message refused: ${ack.error}`);
      return { ackMs: performance.now() - t0, atDesk };
    };

    // Warm-up: JIT, connection pools and the first customers/conversations, then back to no customers.
    const warm = await Promise.all(Array.from({ length: WARM_UP_CUSTOMERS }, () => openChat(url)));
    await Promise.all(
      warm.map(async (chat) => {
        for (let m = 0; m < WARM_UP_MESSAGES; m++) await (await send(chat, `warm-up ${m}`)).atDesk;
        chat.socket.close();
      }),
    );

    // The hub sees the warm-up sockets close a moment after the client does: count from the desk alone.
    for (let i = 0; i < 100 && (await connectionsHeld(port)) > 1; i++) await sleep(20);
    const before = { rss: await rssMb(pid), held: await connectionsHeld(port) };
    const chats: Chat[] = [];
    const connected = await drive('connect: handshake → transcript replayed', CUSTOMERS, CONNECT_CONCURRENCY, async () => {
      const chat = await openChat(url);
      chats.push(chat);
      sockets.push(chat.socket);
    });
    const after = { rss: await rssMb(pid), held: await connectionsHeld(port) };

    // Every customer at once, each sending its messages one after another as a person would: the next
    // once the widget shows the last as sent (acknowledged), after THINK_MS. Arrival at the desk is awaited separately.
    const ackMs: number[] = [];
    const deskMs: number[] = [];
    let lastAck = 0;
    let lastDesk = 0;
    const start = performance.now();
    await Promise.all(
      chats.map(async (chat, c) => {
        const arrivals: Promise<void>[] = [];
        if (THINK_MS) await sleep(Math.random() * THINK_MS);
        for (let m = 0; m < MESSAGES; m++) {
          const sent = await send(chat, `benchmark message ${c}.${m}`);
          ackMs.push(sent.ackMs);
          lastAck = performance.now();
          arrivals.push(
            sent.atDesk.then((ms) => {
              deskMs.push(ms);
              lastDesk = performance.now();
            }),
          );
          if (THINK_MS && m < MESSAGES - 1) await sleep(THINK_MS);
        }
        await Promise.all(arrivals);
      }),
    );
    const total = CUSTOMERS * MESSAGES;
    const ackResult: Result = { name: 'message: emit → ack (durable)', count: total, seconds: (lastAck - start) / 1000, latenciesMs: ackMs };
    const deskResult: Result = { name: 'message: emit → agent socket', count: total, seconds: (lastDesk - start) / 1000, latenciesMs: deskMs };
    const end = { rss: await rssMb(pid), held: await connectionsHeld(port) };

    report(connected);
    report(ackResult);
    report(deskResult);
    console.log('');
    console.log(`all ${CUSTOMERS} customers connected in ${connected.seconds.toFixed(2)} s`);
    console.log(`hub connections held: ${before.held} before, ${after.held} after connecting, ${end.held} after sending (includes the agent's desk socket)`);
    console.log(
      `hub RSS: ${before.rss.toFixed(1)} MB before, ${after.rss.toFixed(1)} MB after connecting, ${end.rss.toFixed(1)} MB after sending` +
        `  →  ${(((after.rss - before.rss) * 1024) / CUSTOMERS).toFixed(1)} kB per connected customer`,
    );

    for (const socket of sockets.splice(0)) socket.close();
    await bench.hub.kill('SIGTERM');
  } finally {
    for (const socket of sockets) socket.close();
    await bench.stop();
  }
}

await main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
