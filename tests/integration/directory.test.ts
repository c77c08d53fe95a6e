// The service directory on the machine's real PostgreSQL: importing the demo file, exporting it back
// unchanged, re-importing without duplicates, a changed file updating services, and webhook secrets that
// go in but never come out. The cases run in order on one database, each building on the last import.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { openDatabase, type Database } from '../../hub/db/client.ts';
import { loadTaxonomy } from '../../hub/needs/taxonomy.ts';
import {
  NEEDS_VOCABULARY,
  exportDirectory,
  importDirectory,
  parseDirectory,
  type DirectoryDocument,
  type DirectoryService,
} from '../../hub/handoff/directory.ts';

const taxonomy = loadTaxonomy();
const needCodes = new Set(taxonomy.needs.map((n) => n.code));
const labelOf = new Map(taxonomy.needs.map((n) => [n.code, n.label]));
const labels = (code: string) => labelOf.get(code) ?? code;
const demoText = readFileSync(new URL('../../hub/handoff/demo-directory.json', import.meta.url), 'utf8');
/** A fresh copy of the demo file as parsed (defaults filled in), to change freely. */
const demo = (): DirectoryDocument => parseDirectory(JSON.parse(demoText), needCodes);
const serviceIn = (doc: DirectoryDocument, id: string): DirectoryService => {
  const found = doc.organizations.flatMap((o) => o.services).find((s) => s.id === id);
  if (!found) throw new Error(`no service ${id} in the file`);
  return found;
};

/**
 * Both sides parsed (so the extension's defaults are filled in the same way) and in id order; `about` is
 * dropped because the hub keeps the directory's rows, not the file's introduction.
 */
function normalise(doc: unknown) {
  const { about: _about, ...parsed } = parseDirectory(JSON.parse(JSON.stringify(doc)), needCodes);
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  return { ...parsed, organizations: parsed.organizations.map((o) => ({ ...o, services: [...o.services].sort(byId) })).sort(byId) };
}

let database: TestDatabase;
let hub: Database;
const counts = async () => ({ organizations: await hub.prisma.organization.count(), services: await hub.prisma.service.count() });

beforeAll(async () => {
  database = await createTestDatabase('directory');
  hub = await openDatabase({ kind: 'postgres', url: database.url, poolSize: 5 });
});
afterAll(async () => {
  await hub?.close();
  await database?.drop();
});

describe('the service directory in PostgreSQL', () => {
  const file = demo();
  const organizations = file.organizations.length;
  const services = file.organizations.reduce((n, o) => n + o.services.length, 0);

  it('imports the demo directory', async () => {
    expect(await importDirectory(hub.prisma, file)).toEqual({ organizations, services, created: organizations + services, updated: 0 });
    expect(await counts()).toEqual({ organizations, services });

    const waste = await hub.prisma.service.findUniqueOrThrow({ where: { externalId: 'bbc-waste' }, include: { organization: true } });
    expect(waste).toMatchObject({
      organization: { externalId: 'brackenford-borough-council' },
      needs: ['environment.waste'],
      hours: 'Mo-Fr 08:00-17:00; Sa 08:00-12:00',
      phone: '01632 960130',
      active: true,
      target: 'desk',
      slaMinutes: 2880,
      priority: 100,
      timeZone: 'Europe/London',
    });
    const outOfHours = await hub.prisma.service.findUniqueOrThrow({ where: { externalId: 'bbc-emergency-duty-team' } });
    expect(outOfHours.hours).toBeNull();
    const housing = await hub.prisma.service.findUniqueOrThrow({ where: { externalId: 'bbc-housing-options' } });
    expect(housing.eligibility).toBe(
      serviceIn(file, 'bbc-housing-options')
        .eligibilitys.map((e) => e.eligibility)
        .join('; '),
    );
    const closed = await hub.prisma.service.findUniqueOrThrow({ where: { externalId: 'warm-spaces' } });
    expect(closed.active).toBe(false);
  });

  it('exports what it imported', async () => {
    const exported = await exportDirectory(hub.prisma, labels);
    expect(normalise(exported)).toEqual(normalise(file));
  });

  it('imports the same file again as updates, not duplicates', async () => {
    const before = await hub.prisma.service.findMany({ select: { id: true, externalId: true }, orderBy: { externalId: 'asc' } });
    expect(await importDirectory(hub.prisma, demo())).toEqual({ organizations, services, created: 0, updated: organizations + services });
    expect(await counts()).toEqual({ organizations, services });
    expect(await hub.prisma.service.findMany({ select: { id: true, externalId: true }, orderBy: { externalId: 'asc' } })).toEqual(before);
  });

  it('updates a service from a changed file, ignoring terms of other vocabularies', async () => {
    const changed = demo();
    const waste = serviceIn(changed, 'bbc-waste');
    waste.service_taxonomys.push(
      { taxonomy: { id: 'environment.street', name: 'Streets, fly-tipping and potholes', vocabulary: NEEDS_VOCABULARY } },
      { taxonomy: { id: 'LGSL:524', name: 'Refuse collection', vocabulary: 'esdServiceTypes' } },
    );
    waste.x_contact_hub.handoff = { kind: 'slack', channel: 'C0WASTE42' };
    waste.status = 'temporarily closed';
    waste.regular_schedules = [];

    expect(await importDirectory(hub.prisma, parseDirectory(changed, needCodes))).toMatchObject({ created: 0, updated: organizations + services });
    const row = await hub.prisma.service.findUniqueOrThrow({ where: { externalId: 'bbc-waste' } });
    expect(row).toMatchObject({ needs: ['environment.waste', 'environment.street'], target: 'slack', slackChannel: 'C0WASTE42', active: false, hours: null });

    const exported = serviceIn(await exportDirectory(hub.prisma, labels), 'bbc-waste');
    expect(exported.x_contact_hub.handoff).toEqual({ kind: 'slack', channel: 'C0WASTE42' });
    expect(exported.service_taxonomys.map((t) => t.taxonomy.id)).toEqual(['environment.waste', 'environment.street']);
    expect(exported.status).toBe('inactive');

    // Back to the file as it was: the Slack channel goes with the Slack target.
    await importDirectory(hub.prisma, demo());
    expect(await hub.prisma.service.findUniqueOrThrow({ where: { externalId: 'bbc-waste' } })).toMatchObject({
      target: 'desk',
      slackChannel: null,
      active: true,
    });
  });

  it('adds a service from a new file and leaves services missing from it alone', async () => {
    const partner: DirectoryDocument = parseDirectory(
      {
        organizations: [
          {
            id: 'brackenford-credit-union',
            name: 'Brackenford Credit Union',
            services: [
              {
                id: 'credit-union-loans',
                name: 'Affordable Loans',
                status: 'active',
                service_taxonomys: [{ taxonomy: { id: 'money.debt', vocabulary: NEEDS_VOCABULARY } }],
              },
            ],
          },
        ],
      },
      needCodes,
    );
    expect(await importDirectory(hub.prisma, partner)).toEqual({ organizations: 1, services: 1, created: 2, updated: 0 });
    expect(await counts()).toEqual({ organizations: organizations + 1, services: services + 1 });
    await hub.prisma.organization.delete({ where: { externalId: 'brackenford-credit-union' } });
  });

  it('stores a webhook secret, never exports it, and keeps it through imports without one', async () => {
    const secret = 'whsec-7f3a9c1e5b2d8f4a6c0e9b7d5f3a1c8e';
    const withHook = demo();
    serviceIn(withHook, 'cab-debt-benefits').x_contact_hub.handoff = {
      kind: 'webhook',
      url: 'https://casework.citizensadvice-brackenford.example/hub',
      secret,
    };
    await importDirectory(hub.prisma, withHook);
    const stored = () => hub.prisma.service.findUniqueOrThrow({ where: { externalId: 'cab-debt-benefits' } });
    expect(await stored()).toMatchObject({ target: 'webhook', webhookUrl: 'https://casework.citizensadvice-brackenford.example/hub', webhookSecret: secret });

    const exported = await exportDirectory(hub.prisma, labels);
    expect(JSON.stringify(exported)).not.toContain(secret);
    expect(serviceIn(exported, 'cab-debt-benefits').x_contact_hub.handoff).toEqual({
      kind: 'webhook',
      url: 'https://casework.citizensadvice-brackenford.example/hub',
    });

    // The export itself, imported again (as a council editing its file would): the secret stays.
    await importDirectory(hub.prisma, parseDirectory(exported, needCodes));
    expect((await stored()).webhookSecret).toBe(secret);

    // A new secret given in a later file replaces it.
    const rotated = 'whsec-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e';
    serviceIn(withHook, 'cab-debt-benefits').x_contact_hub.handoff = {
      kind: 'webhook',
      url: 'https://casework.citizensadvice-brackenford.example/hub',
      secret: rotated,
    };
    await importDirectory(hub.prisma, withHook);
    expect((await stored()).webhookSecret).toBe(rotated);
  });
});
