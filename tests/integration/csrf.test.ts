// Another page of the same site (another subdomain of the council) sends the agent's session cookie with
// its requests. Only the desk's own pages may change anything or listen on the desk socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { ADMIN, PUBLIC_BASE_URL, signIn, startTestHub, testEnv } from '../helpers/hub.ts';

let database: TestDatabase;
let hub: Awaited<ReturnType<typeof startTestHub>>;
let cookie: string;

beforeAll(async () => {
  database = await createTestDatabase('csrf');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  cookie = await signIn(hub.url);
});
afterAll(async () => {
  await hub?.stop();
  await database?.drop();
});

const createTeam = (headers: Record<string, string>) =>
  fetch(`${hub.url}/api/teams`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, ...headers },
    body: JSON.stringify({ name: `Team ${Math.random()}` }),
  });

describe('requests from anywhere but the desk', () => {
  it.each([
    ['another site', { origin: 'https://evil.example' }],
    ['another page of the same site', { origin: 'https://forms.council.example' }],
    ['a same-site page, by what the browser says', { 'sec-fetch-site': 'same-site' }],
    ['a sandboxed page', { origin: 'null' }],
  ])('cannot change anything: %s gets 403 and nothing is made', async (_label, headers) => {
    const before = await hub.database.prisma.team.count();
    const res = await createTeam(headers);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'this request did not come from the desk' });
    expect(await hub.database.prisma.team.count()).toBe(before);
  });

  it('the desk itself can, from its public address or the address it was opened at', async () => {
    expect((await createTeam({ origin: PUBLIC_BASE_URL, 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await createTeam({ origin: hub.url })).status).toBe(201);
  });

  it('cannot sign in for someone (login CSRF), and the session cookie is SameSite=Strict', async () => {
    const forged = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify(ADMIN),
    });
    expect(forged.status).toBe(403);
    const real = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    expect(real.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);
  });

  it('cannot open the desk socket, even with the agent’s cookie', async () => {
    const socket = connect(`${hub.url}/desk`, {
      extraHeaders: { cookie, origin: 'https://forms.council.example' },
      transports: ['websocket'],
      reconnection: false,
    });
    const refused = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    });
    socket.close();
    expect(refused).toBe('not from the desk');
  });
});
