// A hub served over plain http (a trial on a council's own network, PUBLIC_BASE_URL http://…) must not tell
// browsers to upgrade its requests to https: they then fetch the desk's and the web-chat widget's scripts over
// https, fail, and show a blank page on any host but localhost. Over https the upgrade stays on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startTestHub, testEnv } from '../helpers/hub.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('plain_http');
});
afterAll(async () => {
  await database?.drop();
});

async function policyOf(publicBaseUrl: string, path: string): Promise<string> {
  const hub = await startTestHub(testEnv({ DATABASE_URL: database.url, PUBLIC_BASE_URL: publicBaseUrl }));
  try {
    const res = await fetch(`${hub.url}${path}`);
    expect(res.status).toBe(200);
    return res.headers.get('content-security-policy') ?? '';
  } finally {
    await hub.stop();
  }
}

describe('a hub on plain http', () => {
  it('serves the desk and the chat page without upgrade-insecure-requests', async () => {
    for (const path of ['/desk/', '/chat/demo']) {
      const policy = await policyOf('http://192.0.2.10:3000', path);
      expect(policy, path).toMatch(/script-src 'self'/);
      expect(policy, path).not.toMatch(/upgrade-insecure-requests/);
    }
  });

  it('keeps upgrade-insecure-requests when it is served over https', async () => {
    expect(await policyOf('https://hub.council.example', '/desk/')).toMatch(/upgrade-insecure-requests/);
  });
});
