// Hand-off speed: a hub spawned as its own process, a directory with one service per target (Slack through a
// fake Slack Web API, a signed webhook to a receiver in this process, the desk), and N conversations with
// three needs each. An agent hands each conversation's needs on (one API call, three hand-offs); for each
// hand-off it times the call's answer, and the moment the service has it: the webhook received, the Slack
// message posted, the desk's hand-off marked delivered. Then Slack's Accept presses, signed, as Slack sends
// them: the time to Slack's 200 (the hub answers after the change is made).
// Settings: BENCH_HANDOFF_CONVERSATIONS (default 300), BENCH_CONCURRENCY (default 8).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../hub/db/client.ts';
import { signIn } from '../testkit/hub-client.ts';
import { startFakeSlack, FAKE_SLACK_TOKEN } from '../testkit/fake-slack.ts';
import { SLACK_SIGNING_SECRET, blockActionsPayload, postSlackInteraction } from '../testkit/slack-request.ts';
import { startFakeTwilio } from '../testkit/fake-twilio.ts';
import { cpuTimes, drive, report, startBenchHub, type Result } from './harness.ts';

const CONVERSATIONS = Number(process.env.BENCH_HANDOFF_CONVERSATIONS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SECRET = 'bench-webhook-secret-0123456789abcdef';

// The service's system: notes when each hand-off arrived, by its reference.
const arrived = new Map<string, number>();
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { service_request_id: string };
    if (req.headers['x-contacthub-event'] === 'handoff.created') arrived.set(body.service_request_id, performance.now());
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const slack = await startFakeSlack();
// The customer is told by text who has their needs: Twilio's API, faked on 127.0.0.1.
const twilio = await startFakeTwilio();

const term = (id: string) => ({ taxonomy: { id, name: id, vocabulary: 'contact-hub-needs' } });
const directory = {
  organizations: [
    {
      id: 'bench-council',
      name: 'Bench Council',
      services: [
        {
          id: 'housing',
          name: 'Housing (Slack)',
          status: 'active',
          service_taxonomys: [term('housing.homeless')],
          x_contact_hub: { handoff: { kind: 'slack', channel: 'C0BENCH001' } },
        },
        {
          id: 'schools',
          name: 'Schools (webhook)',
          status: 'active',
          service_taxonomys: [term('education.school')],
          x_contact_hub: { handoff: { kind: 'webhook', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, secret: SECRET } },
        },
        { id: 'advice', name: 'Advice (desk)', status: 'active', service_taxonomys: [term('money.debt')], x_contact_hub: { handoff: { kind: 'desk' } } },
      ],
    },
  ],
};
const file = path.join(await mkdtemp(path.join(tmpdir(), 'bench-directory-')), 'directory.json');
await writeFile(file, JSON.stringify(directory));

const bench = await startBenchHub('bench_handoffs', {
  DIRECTORY_PATH: file,
  SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN,
  SLACK_SIGNING_SECRET,
  SLACK_API_URL: slack.apiUrl,
  TWILIO_API_BASE_URL: twilio.url,
  SWEEP_AFTER_MS: '600000',
});
const opened = await openDatabase({ kind: 'postgres', url: bench.database.url, poolSize: 8 });
const db = opened.prisma;
try {
  // Conversations with their needs are written directly: the bench is about handing them on.
  const conversationIds: string[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const customer = await db.customer.create({
      data: {
        displayName: `Customer ${i}`,
        contactPoints: { create: { kind: 'phone', address: `+44791180${String(i).padStart(4, '0')}`, verifiedBy: 'bench' } },
      },
    });
    const conversation = await db.conversation.create({
      data: {
        customerId: customer.id,
        openForCustomer: customer.id,
        channel: 'sms',
        handler: 'person',
        facts: { deadline: 'Friday', household: 'me and two children' },
        messages: {
          create: {
            direction: 'inbound',
            channel: 'sms',
            status: 'received',
            fromAddress: `+44791180${String(i).padStart(4, '0')}`,
            toAddress: '+442079460001',
            body: 'evicted, the kids need a school, and we are in debt',
            providerMessageId: `SMbench-handoff-${i}`,
          },
        },
      },
    });
    await db.need.createMany({
      data: ['housing.homeless', 'education.school', 'money.debt'].map((code) => ({
        customerId: customer.id,
        conversationId: conversation.id,
        code,
        source: 'agent' as const,
      })),
    });
    conversationIds.push(conversation.id);
  }
  const cookie = await signIn(bench.url);
  const started = new Map<string, { at: number; target: string }>();
  // What one conversation's hand-offs cost, from the call until every service has them (BENCH_SQL_LOG=file
  // also lists the statements: bench/round-trips.cjs).
  const [trips, cpu] = [await bench.roundTrips(), cpuTimes(bench.hub.child.pid!)];

  const calls = await drive(`hand on 3 needs (API call, ${CONCURRENCY} at once)`, CONVERSATIONS, CONCURRENCY, async (i) => {
    const at = performance.now();
    const res = await fetch(`${bench.url}/api/conversations/${conversationIds[i]}/handoffs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ consent: true }),
    });
    if (res.status !== 201) throw new Error(`hand-off refused: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { handoffs: { reference: string; service: { target: string } }[] };
    for (const h of body.handoffs) started.set(h.reference, { at, target: h.service.target });
  });
  report(calls);

  // Wait until every service has its hand-off.
  const deadline = Date.now() + 120_000;
  const posted = new Map<string, number>();
  for (;;) {
    for (const call of slack.calls) {
      if (call.method !== 'chat.postMessage') continue;
      const reference = /Hand-off ([A-Z0-9]{8})/.exec(String(call.body.text))?.[1];
      if (reference && !posted.has(reference)) posted.set(reference, call.at.getTime() - Date.now() + performance.now());
    }
    const desk = await db.handoff.count({ where: { service: { target: 'desk' }, status: 'delivered' } });
    if ((arrived.size === CONVERSATIONS && posted.size === CONVERSATIONS && desk === CONVERSATIONS) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const [tripsAfter, cpuAfter] = [await bench.roundTrips(), cpuTimes(bench.hub.child.pid!)];
  const each = (after: number, before: number) => ((after - before) / CONVERSATIONS).toFixed(1);
  console.log(
    `per conversation (3 hand-offs, made and delivered): ${each(tripsAfter.postgres, trips.postgres)} PostgreSQL round trips, ` +
      `${each(tripsAfter.redis, trips.redis)} Redis requests; CPU ${each(cpuAfter.hub, cpu.hub)} ms in the hub, ` +
      `${each(cpuAfter.postgres, cpu.postgres)} ms PostgreSQL, ${each(cpuAfter.redis, cpu.redis)} ms Redis`,
  );
  // The desk target is delivered when its row says so: its event time, from the database.
  const deskRows = await db.handoff.findMany({
    where: { service: { target: 'desk' } },
    select: { reference: true, events: { where: { kind: 'delivered' }, select: { at: true } } },
  });
  const offset = Date.now() - performance.now();
  const deskAt = new Map(deskRows.filter((r) => r.events[0]).map((r) => [r.reference, r.events[0]!.at.getTime() - offset]));
  for (const [target, times] of [
    ['webhook', arrived],
    ['slack', posted],
    ['desk', deskAt],
  ] as const) {
    const latencies = [...started].filter(([, s]) => s.target === target).map(([ref, s]) => (times.get(ref) ?? NaN) - s.at);
    const missing = latencies.filter(Number.isNaN).length;
    // The rate is hand-offs over the time from the first call to the last arrival at this target.
    const first = Math.min(...[...started.values()].map((s) => s.at));
    const last = Math.max(...[...times.values()]);
    const result: Result = {
      name: `… until the service has it: ${target}${missing ? ` (${missing} missing)` : ''}`,
      count: latencies.length,
      seconds: (last - first) / 1000,
      latenciesMs: latencies.filter((l) => !Number.isNaN(l)),
    };
    report(result);
  }

  // Slack: every hand-off accepted by a press, as Slack sends it (signed form body).
  const onSlack = await db.handoff.findMany({ where: { slackTs: { not: null } }, select: { id: true, slackTs: true } });
  report(
    await drive(`Slack Accept press → 200 (${CONCURRENCY} at once)`, onSlack.length, CONCURRENCY, async (i) => {
      const h = onSlack[i]!;
      const res = await postSlackInteraction(
        bench.url,
        blockActionsPayload({ userId: 'U0BENCH001', channelId: 'C0BENCH001', messageTs: h.slackTs!, actionId: 'handoff.accept', value: h.id }),
      );
      if (res.status !== 200) throw new Error(`Slack press refused: ${res.status}`);
    }),
  );
  console.log(`accepted: ${await db.handoff.count({ where: { status: 'accepted' } })} of ${onSlack.length}`);
  console.log(`customers told by text: ${twilio.requests.filter((r) => r.path.endsWith('/Messages.json')).length} of ${CONVERSATIONS}`);
} finally {
  await opened.close();
  await bench.stop();
  await slack.close();
  await twilio.close();
  receiver.close();
}
