// The evidence view's API on a real hub over PostgreSQL: demand by need over time, channel and area; needs that
// come together; coming back about the same need; how services answer; how things are now by need, service and
// combination. Counts below five are held back; filters narrow; CSV downloads; only managers and strategy see it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { apiJson, createDeskAccount, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let strategy: string;

const DAY = 86_400_000;
/** Ten days ago: inside the default range (the last twelve months), and last month's or this month's. */
const base = new Date(Date.now() - 10 * DAY);
const WELLBEING = [4, 4, 5, 4, 5, 5, 3, 2, 1, 2];

beforeAll(async () => {
  database = await createTestDatabase('evidence');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  const admin = await signIn(hub.url);
  strategy = (await createDeskAccount(hub.url, admin, { name: 'Strategy lead', role: 'strategy' })).cookie;
  const db = hub.database.prisma;
  const org = await db.organization.create({ data: { externalId: `org-${randomBytes(4).toString('hex')}`, name: 'Testford Council' } });
  const service = (name: string) => db.service.create({ data: { externalId: `svc-${randomBytes(4).toString('hex')}`, organizationId: org.id, name } });
  const housing = await service('Housing Options');
  const money = await service('Money Advice');

  // Ten people in TF1 1AA's district, each with somewhere to live and debt in one plan, both handed on; each
  // answered the follow-up. Five of them came back about somewhere to live within a week.
  for (const [i, wellbeing] of WELLBEING.entries()) {
    const customer = await db.customer.create({ data: { postcode: `TF1 ${i}AA` } });
    const conversation = await db.conversation.create({ data: { customerId: customer.id, channel: i % 2 ? 'sms' : 'webchat', createdAt: base } });
    for (const code of ['housing.homeless', 'money.debt'])
      await db.need.create({ data: { customerId: customer.id, conversationId: conversation.id, code, source: 'bot', createdAt: base } });
    const plan = await db.actionPlan.create({ data: { customerId: customer.id, createdAt: base, closedAt: new Date(base.getTime() + 3 * DAY) } });
    const handoff = (serviceId: string, needs: string[], accepted: boolean) =>
      db.handoff.create({
        data: {
          reference: randomBytes(4).toString('hex').toUpperCase(),
          planId: plan.id,
          customerId: customer.id,
          conversationId: conversation.id,
          serviceId,
          needs,
          consentAt: base,
          createdAt: base,
          dueAt: new Date(base.getTime() + DAY),
          status: 'closed',
          outcome: `private words ${i}`,
          ...(accepted ? { acceptedAt: new Date(base.getTime() + 2 * 3_600_000) } : {}),
        },
      });
    const h1 = await handoff(housing.id, ['housing.homeless'], true);
    const h2 = await handoff(money.id, ['money.debt'], i < 6);
    await db.followUp.create({
      data: {
        planId: plan.id,
        customerId: customer.id,
        reason: 'plan_closed',
        step: 'done',
        askedAt: new Date(base.getTime() + 4 * DAY),
        expiresAt: new Date(base.getTime() + 11 * DAY),
        answeredAt: new Date(base.getTime() + 4 * DAY),
        wellbeing,
        comment: `my own words ${i}`,
        answers: {
          create: [
            { handoffId: h1.id, serviceId: housing.id, needs: h1.needs, helped: true },
            { handoffId: h2.id, serviceId: money.id, needs: h2.needs, helped: i % 2 === 0 },
          ],
        },
      },
    });
    if (i < 5) {
      const again = await db.conversation.create({ data: { customerId: customer.id, channel: 'sms', createdAt: new Date(base.getTime() + 5 * DAY) } });
      await db.need.create({
        data: { customerId: customer.id, conversationId: again.id, code: 'housing.homeless', source: 'agent', createdAt: new Date(base.getTime() + 5 * DAY) },
      });
    }
  }
  // Five people who gave no postcode, needing a school place: the Unknown area.
  for (const i of [0, 1, 2, 3, 4]) {
    const customer = await db.customer.create({ data: {} });
    await db.need.create({ data: { customerId: customer.id, code: 'education.school', source: 'bot', createdAt: new Date(base.getTime() + i * 1000) } });
  }
  // Two people in TF2 needing food: too few to show anywhere.
  for (const i of [0, 1]) {
    const customer = await db.customer.create({ data: { postcode: `TF2 ${i}BB` } });
    await db.need.create({ data: { customerId: customer.id, code: 'food.insecurity', source: 'bot', createdAt: base } });
  }
}, 120_000);
afterAll(async () => {
  await hub?.stop();
  await database?.drop();
});

const table = async (name: string, query = '') => {
  const res = await apiJson(hub.url, strategy, `/api/evidence/${name}${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { rows: Record<string, string | number | null>[]; suppressedRows: number; columns: { key: string; label: string }[] };
};
const row = (rows: Record<string, unknown>[], match: Record<string, unknown>) => rows.find((r) => Object.entries(match).every(([k, v]) => r[k] === v));

describe('the evidence view', () => {
  it('counts demand by need over time, channel and area, holding back counts below five', async () => {
    const byMonth = await table('demand-by-month');
    const housing = byMonth.rows.filter((r) => r.code === 'housing.homeless').reduce((n, r) => n + Number(r.needs), 0);
    expect(housing).toBe(15);
    expect(byMonth.rows.some((r) => r.code === 'food.insecurity')).toBe(false);
    expect(byMonth.suppressedRows).toBeGreaterThanOrEqual(1);

    const byChannel = await table('demand-by-channel');
    expect(row(byChannel.rows, { code: 'money.debt', channel: 'SMS' })).toMatchObject({ needs: 5 });
    expect(row(byChannel.rows, { code: 'money.debt', channel: 'Web chat' })).toMatchObject({ needs: 5 });

    const byArea = await table('demand-by-district');
    expect(row(byArea.rows, { code: 'money.debt', district: 'TF1' })).toMatchObject({ needs: 10 });
    expect(byArea.rows.some((r) => r.district === 'TF2')).toBe(false);
    // One area only.
    expect((await table('demand-by-district', '?district=tf2')).rows).toEqual([]);
    expect((await table('demand-by-district', '?district=TF1')).rows.length).toBeGreaterThan(0);
    // Customers with no postcode are the Unknown area.
    expect((await table('demand-by-district', '?district=unknown')).rows).toEqual([
      { district: 'Unknown', need: expect.any(String), code: 'education.school', needs: 5 },
    ]);
    // A range that holds none of it.
    expect((await table('demand-by-month', '?from=2020-01-01&to=2020-12-31')).rows).toEqual([]);
  });

  it('shows which needs come together, who came back, and how each service answered', async () => {
    const together = await table('needs-together');
    expect(row(together.rows, { codeA: 'housing.homeless', codeB: 'money.debt' })).toMatchObject({ plans: 10 });

    const repeats = await table('repeat-contacts');
    expect(row(repeats.rows, { code: 'housing.homeless' })).toMatchObject({ needs: 15, repeats: 5, repeatShare: 0.333 });
    expect(row(repeats.rows, { code: 'money.debt' })).toMatchObject({ needs: 10, repeats: 0, repeatShare: 0 });

    const services = await table('services');
    expect(row(services.rows, { service: 'Housing Options' })).toMatchObject({
      handoffs: 10,
      accepted: 10,
      medianHoursToAccept: 2,
      closed: 10,
      helpedShare: 1,
    });
    // Six accepted; half said it helped.
    expect(row(services.rows, { service: 'Money Advice' })).toMatchObject({ handoffs: 10, accepted: 6, helpedShare: 0.5 });
  });

  it('shows how things are now by need, service and combination, with small counts held back', async () => {
    const byNeed = await table('outcomes-by-need');
    // Average 3.5; six better (shown); three worse (fewer than five: held back).
    expect(row(byNeed.rows, { code: 'housing.homeless' })).toMatchObject({ answers: 10, averageWellbeing: 3.5, betterShare: 0.6, worseShare: null });
    const byService = await table('outcomes-by-service');
    expect(row(byService.rows, { service: 'Money Advice' })).toMatchObject({ answers: 10, helpedShare: 0.5 });
    const byCombination = await table('outcomes-by-combination');
    expect(row(byCombination.rows, { codes: 'housing.homeless + money.debt' })).toMatchObject({ answers: 10, averageWellbeing: 3.5 });
  });

  it('never shows free text or anyone’s details', async () => {
    const all = await Promise.all(
      [
        'demand-by-month',
        'demand-by-channel',
        'demand-by-district',
        'needs-together',
        'repeat-contacts',
        'services',
        'outcomes-by-need',
        'outcomes-by-service',
        'outcomes-by-combination',
      ].map((t) => table(t)),
    );
    const text = JSON.stringify(all);
    for (const words of ['my own words', 'private words', 'TF1 0AA', 'TF1 1AA']) expect(text).not.toContain(words);
  });

  it('downloads any table as CSV, and refuses a bad filter plainly', async () => {
    const res = await fetch(`${hub.url}/api/evidence/outcomes-by-need?format=csv`, { headers: { cookie: strategy } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="outcomes-by-need_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('Need,Need code,Answers,Average (1 much worse – 5 much better),Better or much better,Worse or much worse');
    expect(lines).toContain('Homeless or at risk of losing home,housing.homeless,10,3.5,0.6,fewer than 5');

    const bad = await apiJson(hub.url, strategy, '/api/evidence/services?from=last-year');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('from must be a date');
    expect((await apiJson(hub.url, strategy, '/api/evidence/everything')).status).toBe(400);
    const index = await apiJson(hub.url, strategy, '/api/evidence');
    expect(index.body.districts).toEqual(['TF1']);
    expect(index.body.tables).toHaveLength(9);
  });
});
