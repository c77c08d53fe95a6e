// The needs bot's cost per turn, on the machine's PostgreSQL: the same runBotTurn the inbound worker runs
// (dialog state read and written with its etag, replies, needs, facts, all in one transaction under the
// conversation's lock), for many conversations at once, plus the detector alone for comparison.
// Settings: BENCH_BOT_CONVERSATIONS (default 500), BENCH_CONCURRENCY (default 16), TEST_POSTGRES_URL.
import { openDatabase } from '../hub/db/client.ts';
import { loadNeedsData } from '../hub/needs/data.ts';
import { buildDetector } from '../hub/needs/detector.ts';
import { buildKnowledge } from '../hub/bot/knowledge.ts';
import { createNeedsBot } from '../hub/bot/bot.ts';
import { runBotTurn } from '../hub/bot/run.ts';
import { createTestDatabase } from '../testkit/postgres.ts';
import { cpuTimes, drive, report, type Result } from './harness.ts';

const CONVERSATIONS = Number(process.env.BENCH_BOT_CONVERSATIONS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
// Two turns per conversation: the first message (detect, confirm) and the answer to the question.
const FIRST = [
  'we have been evicted and my son needs a new school',
  'my boiler is broken and we cant afford the meter',
  'my bin was not collected again',
  'I look after my mum and I am exhausted',
];

/**
 * What one turn cost during a run: this process's CPU and PostgreSQL's, and, when bench/round-trips.cjs is
 * preloaded (npm run bench:bot does), the round trips to PostgreSQL.
 */
async function costed(run: () => Promise<Result>): Promise<Result> {
  const counts = (globalThis as { __benchRoundTrips?: { postgres: number } }).__benchRoundTrips;
  const [cpu0, trips0] = [cpuTimes(process.pid), counts?.postgres ?? 0];
  const result = await run();
  const [cpu1, trips1] = [cpuTimes(process.pid), counts?.postgres ?? 0];
  const per = (n: number) => (n / result.count).toFixed(1);
  console.log(
    `  per turn: ${counts ? `${per(trips1 - trips0)} PostgreSQL round trips, ` : ''}CPU ${per(cpu1.hub - cpu0.hub)} ms here, ${per(cpu1.postgres - cpu0.postgres)} ms in PostgreSQL`,
  );
  return result;
}

const database = await createTestDatabase('bench_bot');
const opened = await openDatabase({ kind: 'postgres', url: database.url, poolSize: CONCURRENCY + 4 });
try {
  const db = opened.prisma;
  const data = loadNeedsData();
  const detector = buildDetector(data);
  console.log(`detector built in ${detector.buildMs.toFixed(0)} ms`);
  const knowledge = buildKnowledge({ detect: (t) => detector.detect(t), taxonomy: data.taxonomy.needs });
  const bot = createNeedsBot(knowledge);
  const wording = { say: knowledge.say, enabledChannels: ['sms'] as const, safetyNetAnyTime: knowledge.safety.safetyNetAnyTime };

  // One customer, conversation and pair of inbound messages per conversation, written before timing.
  const messageIds: [string, string][] = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const customer = await db.customer.create({
      data: { contactPoints: { create: { kind: 'phone', address: `+44791190${String(i).padStart(4, '0')}`, verifiedBy: 'bench' } } },
    });
    const conversation = await db.conversation.create({ data: { customerId: customer.id, openForCustomer: customer.id, channel: 'sms' } });
    const inbound = (body: string, n: number) =>
      db.message.create({
        data: {
          conversationId: conversation.id,
          direction: 'inbound',
          channel: 'sms',
          status: 'received',
          fromAddress: `+44791190${String(i).padStart(4, '0')}`,
          toAddress: '+442079460001',
          body,
          providerMessageId: `SMbench${i}-${n}`,
        },
        select: { id: true },
      });
    messageIds.push([(await inbound(FIRST[i % FIRST.length]!, 1)).id, (await inbound('y', 2)).id]);
  }

  report(await drive('detector alone (first messages)', CONVERSATIONS, 1, async (i) => void detector.detect(FIRST[i % FIRST.length]!)));
  // Each conversation's first message (detect, confirm), then its answer to the question.
  for (const [turn, name] of ['first message', 'the answer'].entries())
    report(
      await costed(() =>
        drive(
          `bot turn ${turn + 1}: ${name} (${CONCURRENCY} at once)`,
          CONVERSATIONS,
          CONCURRENCY,
          async (i) => void (await runBotTurn(db, bot, messageIds[i]![turn]!, wording)),
        ),
      ),
    );
  const replies = await db.message.count({ where: { fromBot: true } });
  console.log(`${replies} bot replies stored for ${CONVERSATIONS * 2} turns`);
} finally {
  await opened.close();
  await database.drop();
}
