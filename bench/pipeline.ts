// Benchmark: signed SMS webhooks over loopback → persisted → delivered to a connected agent socket,
// against the machine's PostgreSQL and Redis. Prints throughput, latency percentiles, and in the same
// run the floors the pipeline is built on, with the pipeline's ratio to each. Not run by the tests.
//
//   npm run bench     (BENCH_MESSAGES=2000 BENCH_CONCURRENCY=32; open loop BENCH_LOW_RATE=10 and BENCH_RATE=100
//                      messages/s for BENCH_OPEN_SECONDS=10 each, by default)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Server as SocketServer } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { PUBLIC_BASE_URL, connectDesk, signIn, uniquePrefix } from '../testkit/hub-client.ts';
import { openDatabase } from '../hub/db/client.ts';
import { inboundSmsFields, newMessageSid, postTwilioWebhook } from '../testkit/twilio-webhook.ts';
import type { MessageView } from '../agent-desk/server/views.ts';
import { cpuTimes, drive, driveOpenLoop, percentile, perSecond, report, startBenchHub, type Result } from './harness.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RATE = Number(process.env.BENCH_RATE ?? 100);
const LOW_RATE = Number(process.env.BENCH_LOW_RATE ?? 10);
const OPEN_SECONDS = Number(process.env.BENCH_OPEN_SECONDS ?? 10);
const costs: string[] = [];
const openLoop: Result[] = [];

async function pipeline(): Promise<{ result: Result; prisma: Result }> {
  const bench = await startBenchHub('bench');
  try {
    const url = bench.url;
    const desk = await connectDesk(url, await signIn(url));
    const waiting = new Map<string, () => void>();
    desk.on('message.created', (m: MessageView) => waiting.get(m.providerMessageId ?? '')?.());
    const send = async (i: number) => {
      const fields = inboundSmsFields(`+4479112${String(i % 500).padStart(5, '0')}`, `benchmark message ${i}`, newMessageSid());
      const delivered = new Promise<void>((resolve) => waiting.set(fields.MessageSid!, resolve));
      const res = await postTwilioWebhook(url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fields);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      await delivered;
      waiting.delete(fields.MessageSid!);
    };
    await drive('warm-up', 200, CONCURRENCY, send);
    // What one message costs: the hub's PostgreSQL round trips and Redis requests, and CPU time on each side.
    const [trips, cpu] = [await bench.roundTrips(), cpuTimes(bench.hub.child.pid!)];
    const result = await drive('pipeline: webhook → persisted → agent socket', MESSAGES, CONCURRENCY, (i) => send(i + 200));
    const [tripsAfter, cpuAfter] = [await bench.roundTrips(), cpuTimes(bench.hub.child.pid!)];
    const each = (after: number, before: number) => ((after - before) / MESSAGES).toFixed(1);
    costs.push(
      `per message: ${each(tripsAfter.postgres, trips.postgres)} PostgreSQL round trips, ${each(tripsAfter.redis, trips.redis)} Redis requests; ` +
        `CPU ${each(cpuAfter.hub, cpu.hub)} ms in the hub, ${each(cpuAfter.postgres, cpu.postgres)} ms PostgreSQL, ${each(cpuAfter.redis, cpu.redis)} ms Redis`,
    );
    // Open loop: messages arrive at a steady rate, however long each takes (latency from when each was due).
    let next = 200 + MESSAGES;
    openLoop.push(await driveOpenLoop(`open loop: ${LOW_RATE} messages/s offered`, LOW_RATE * OPEN_SECONDS, LOW_RATE, () => send(next++)));
    openLoop.push(await driveOpenLoop(`open loop: ${RATE} messages/s offered`, RATE * OPEN_SECONDS, RATE, () => send(next++)));
    desk.close();
    await bench.hub.kill('SIGTERM');

    // Floor: one Prisma insert on the same database, same concurrency, same adapter.
    const db = await openDatabase({ kind: 'postgres', url: bench.database.url, poolSize: 20 });
    try {
      const prisma = await drive('floor: Prisma insert (PostgreSQL)', MESSAGES, CONCURRENCY, async () => {
        await db.prisma.customer.create({ data: {} });
      });
      return { result, prisma };
    } finally {
      await db.close();
    }
  } finally {
    await bench.stop();
  }
}

async function bullmqFloor(): Promise<Result> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = uniquePrefix('bench-bullmq');
  const queue = new Queue('floor', { connection, prefix });
  const done = new Map<string, () => void>();
  const worker = new Worker('floor', async () => undefined, { connection: connection.duplicate(), prefix, concurrency: 8 });
  worker.on('completed', (job) => done.get(job.id!)?.());
  try {
    return await drive('floor: BullMQ add + process (empty job)', MESSAGES, CONCURRENCY, async (i) => {
      const finished = new Promise<void>((resolve) => done.set(`j${i}`, resolve));
      await queue.add('empty', {}, { jobId: `j${i}`, removeOnComplete: true });
      await finished;
      done.delete(`j${i}`);
    });
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  }
}

async function socketFloor(): Promise<Result> {
  const http = createServer();
  const io = new SocketServer(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const waiting = new Map<number, () => void>();
  client.on('m', (i: number) => waiting.get(i)?.());
  try {
    return await drive('floor: socket.io emit → client', MESSAGES, CONCURRENCY, async (i) => {
      const received = new Promise<void>((resolve) => waiting.set(i, resolve));
      io.emit('m', i);
      await received;
      waiting.delete(i);
    });
  } finally {
    client.close();
    await new Promise<void>((resolve) => io.close(() => resolve()));
  }
}

console.log(`contact-hub pipeline benchmark: ${MESSAGES} messages, concurrency ${CONCURRENCY}, node ${process.version}\n`);
const { result, prisma } = await pipeline();
const bullmq = await bullmqFloor();
const socket = await socketFloor();
for (const r of [result, bullmq, prisma, socket]) report(r);
console.log('');
for (const r of openLoop) report(r);
for (const line of costs) console.log(line);
console.log('');
const p50 = (r: Result) =>
  percentile(
    [...r.latenciesMs].sort((a, b) => a - b),
    50,
  );
for (const floor of [bullmq, prisma, socket]) {
  console.log(
    `pipeline vs ${floor.name.replace('floor: ', '').padEnd(32)} throughput ${(perSecond(result) / perSecond(floor)).toFixed(3)}×   p50 latency ${(p50(result) / p50(floor)).toFixed(1)}×`,
  );
}
process.exit(0);
