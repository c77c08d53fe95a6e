// Published directory data through the running hub on the real PostgreSQL: the start-up load imports a
// file with a bad row and logs the rest, DIRECTORY_ALL_OR_NOTHING refuses it, PUT /api/directory answers
// with the row by row report (or refuses it all with ?allOrNothing=true), and GET → PUT → GET is stable.
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { DirectoryDocument, DirectoryReport } from '../../hub/handoff/directory.ts';

const fixtureText = (name: string) => readFileSync(new URL(`../fixtures/directory/${name}.json`, import.meta.url), 'utf8');
const fixture = (name: string) => JSON.parse(fixtureText(name));

async function fileOf(name: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'directory-')), `${name}.json`);
  await writeFile(file, fixtureText(name));
  return file;
}

let database: TestDatabase;
let hub: RunningHub & { url: string };
let admin: string;
const db = () => hub.database.prisma;
const serviceIds = async () => (await db().service.findMany({ select: { externalId: true }, orderBy: { externalId: 'asc' } })).map((s) => s.externalId);
const put = (body: unknown, query = '') =>
  apiJson<DirectoryReport & { problems?: string[] }>(hub.url, admin, `/api/directory${query}`, { method: 'PUT', body: JSON.stringify(body) });

beforeAll(async () => {
  database = await createTestDatabase('directory_import');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, DIRECTORY_PATH: await fileOf('oruk-services-page') }));
  admin = await signIn(hub.url);
});
afterAll(async () => {
  await hub?.stop();
  await database?.drop();
});

describe('the service directory from published data', () => {
  it('loads a file with a bad row at start: the rest is imported', async () => {
    expect(await serviceIds()).toEqual(['bf-credit-union-loans', 'bf-job-club']);
    expect(await db().service.findUniqueOrThrow({ where: { externalId: 'bf-credit-union-loans' } })).toMatchObject({
      hours: 'Mo-Fr 09:00-17:00',
      needs: ['money.debt'],
    });
  });

  it('does not start with DIRECTORY_ALL_OR_NOTHING=true and a bad row, and imports nothing', async () => {
    const other = await createTestDatabase('directory_all_or_nothing');
    try {
      await expect(
        startTestHub(testEnv({ DATABASE_URL: other.url, DIRECTORY_PATH: await fileOf('oruk-services-page'), DIRECTORY_ALL_OR_NOTHING: 'true' })),
      ).rejects.toThrow(/content\[1\]\.email: "savings@" is not an email address/);
    } finally {
      await other.drop();
    }
  });

  it('PUT answers with the report: each row imported, imported with warnings, or refused with the reason', async () => {
    const { status, body } = await put(fixture('hsds3-services-page'));
    expect(status).toBe(200);
    expect(body).toMatchObject({ shape: 'HSDS 3 list page (contents)', organizations: 1, services: 1, imported: 2, importedWithWarnings: 0, refused: 1 });
    expect(body.rows.filter((r) => r.outcome === 'refused')).toEqual([
      expect.objectContaining({
        kind: 'service',
        at: 'contents[1]',
        id: 'bf-carers-monthly',
        problems: [expect.stringContaining('"MONTHLY" cannot be read'), expect.stringContaining('"2MO" is not a day')],
      }),
    ]);
    expect(await db().service.findUniqueOrThrow({ where: { externalId: 'bf-carers-cafe' } })).toMatchObject({ hours: 'We 13:00-15:30', needs: ['care.carer'] });
    expect(await db().service.findUnique({ where: { externalId: 'bf-carers-monthly' } })).toBeNull();
  });

  it('PUT ?allOrNothing=true refuses the whole file when a row is refused, and writes nothing', async () => {
    const before = await serviceIds();
    const page = fixture('oruk-services-page');
    page.content[0].id = 'bf-credit-union-new';
    const { status, body } = await put(page, '?allOrNothing=true');
    expect(status).toBe(422);
    expect(body.problems).toEqual(['content[1].email: "savings@" is not an email address']);
    expect(await serviceIds()).toEqual(before);
  });

  it('keeps what a service needs to be found and reached, and a round trip through GET is stable', async () => {
    for (const name of ['oruk-service', 'hsds3-service', 'oruk-organization']) expect((await put(fixture(name))).status).toBe(200);
    const stored = await db().service.findUniqueOrThrow({ where: { externalId: 'bf-family-hub-0042' }, include: { organization: true } });
    expect(stored).toMatchObject({
      url: 'https://www.brackenford-familyhub.example/drop-in',
      email: 'familyhub@brackenford.example',
      phone: '01632 960420',
      eligibility: 'Families with children',
      hours: 'Mo 09:30-15:00; We 09:30-15:00; Fr 09:30-12:00',
      organization: { url: 'https://www.brackenford-familyhub.example', email: 'hello@brackenford-familyhub.example' },
      details: {
        minimumAge: 0,
        maximumAge: 19,
        languages: ['English', 'Polish'],
        serviceAreas: [{ name: 'Brackenford', uri: 'http://statistics.data.gov.uk/id/statistical-geography/E07000999' }],
        costs: [{ option: 'Everyone', amount: 0, description: 'Free of charge' }],
        fees: 'Free',
        locations: [{ name: 'Northgate Family Hub', address_1: '12 Northgate', city: 'Brackenford', postal_code: 'BF1 2AB', country: 'GB' }],
      },
    });
    expect((await db().service.findUniqueOrThrow({ where: { externalId: '7f1c2b6e-5d0a-4c59-9a51-2f0b8b7d1e01' } })).details).toMatchObject({
      minimumAge: 11,
      maximumAge: 25,
      languages: ['English', 'Urdu'],
    });

    const rows = () => db().service.findMany({ orderBy: { externalId: 'asc' }, omit: { id: true, createdAt: true, updatedAt: true, organizationId: true } });
    const first = await apiJson<DirectoryDocument>(hub.url, admin, '/api/directory');
    expect(first.status).toBe(200);
    const exported = first.body.organizations.flatMap((o) => o.services).find((s) => s.id === 'bf-family-hub-0042')!;
    expect(exported).toMatchObject({
      eligibilitys: [{ eligibility: 'Families with children', minimum_age: 0, maximum_age: 19 }],
      languages: [{ language: 'English' }, { language: 'Polish' }],
      service_at_locations: [{ location: { name: 'Northgate Family Hub', physical_addresses: [{ postal_code: 'BF1 2AB' }] } }],
      cost_options: [{ option: 'Everyone', amount: 0 }],
    });

    const before = await rows();
    const again = await put(first.body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: 0, refused: 0, importedWithWarnings: 0 });
    expect(await rows()).toEqual(before);
    expect((await apiJson(hub.url, admin, '/api/directory')).body).toEqual(first.body);
  });
});
