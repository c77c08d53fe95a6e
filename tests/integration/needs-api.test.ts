// POST /api/needs/detect on a real hub: signed-in agents get the detector's answer; others get 401,
// bad bodies 400. And a hub whose taxonomy is missing refuses to start, naming the file and the setting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { loadConfig } from '../../hub/config.ts';
import { createLogger } from '../../hub/logger.ts';
import { startHub, type RunningHub } from '../../app/compose.ts';
import type { DetectionView } from '../../agent-desk/server/needs.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let cookie: string;

beforeAll(async () => {
  database = await createTestDatabase('needs_api');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  cookie = await signIn(hub.url);
});

afterAll(async () => {
  await hub?.stop();
  await database?.drop();
});

const detect = (body: unknown, withCookie = cookie) =>
  apiJson<DetectionView & { error?: string; issues?: { path: string; message: string }[] }>(hub.url, withCookie, '/api/needs/detect', {
    method: 'POST',
    body: JSON.stringify(body),
  });

describe('POST /api/needs/detect', () => {
  it('returns the needs found, with labels and confidences, and the urgent flag', async () => {
    const res = await detect({
      text: 'Hello, our black bin has not been collected for two weeks and I cannot afford this month’s council tax.\n\nRegards\nSam',
    });
    expect(res.status).toBe(200);
    expect(res.body.urgent).toBe(false);
    expect(res.body.needs.map((n) => n.code).sort()).toEqual(['environment.waste', 'money.council-tax']);
    for (const need of res.body.needs) {
      expect(need).toEqual({ code: need.code, label: expect.any(String), confidence: expect.any(Number) });
      expect(need.confidence).toBeGreaterThan(0);
      expect(need.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('flags immediate danger, with its kind', async () => {
    const res = await detect({ text: 'he has a knife and says he will kill me, he is in the kitchen now' });
    expect(res.status).toBe(200);
    expect(res.body.urgent).toBe(true);
    expect(res.body.danger).toContain('violence');
    expect(res.body.safetyQuestion).toBeUndefined();
  });

  it('says when the bot would first ask whether the person is safe now, and about what', async () => {
    const res = await detect({ text: 'my ex has found out where we are staying' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ urgent: false, safetyQuestion: true });
    expect(res.body.danger).toContain('violence');
    const calm = await detect({ text: 'my bin was missed' });
    expect(calm.body.safetyQuestion).toBeUndefined();
    expect(calm.body.danger).toBeUndefined();
  });

  it('answers 401 without a session', async () => {
    const res = await detect({ text: 'my bin was missed' }, '');
    expect(res.status).toBe(401);
  });

  it.each([
    ['empty text', { text: '   ' }, /text is empty/],
    ['no text', {}, /text is required/],
    ['text that is not a string', { text: 42 }, /text is required/],
    ['text over 20,000 characters', { text: 'bin '.repeat(5_001) }, /longer than 20000 characters/],
  ])('answers 400 for %s, saying what is wrong', async (_label, body, message) => {
    const res = await detect(body);
    expect(res.status).toBe(400);
    expect(res.body.issues?.map((i) => i.message).join('; ')).toMatch(message);
  });

  it('is described in the OpenAPI document', async () => {
    const res = await apiJson<{ paths: Record<string, unknown> }>(hub.url, cookie, '/api/openapi.json');
    expect(Object.keys(res.body.paths)).toContain('/api/needs/detect');
  });
});

describe('a hub without its taxonomy', () => {
  it('refuses to start, naming the file and NEEDS_TAXONOMY_PATH', async () => {
    const config = loadConfig(testEnv({ DATABASE_URL: database.url, NEEDS_TAXONOMY_PATH: '/nonexistent/needs-taxonomy.json' }));
    await expect(startHub(config, createLogger('silent'))).rejects.toThrow(/\/nonexistent\/needs-taxonomy\.json: the file does not exist.*NEEDS_TAXONOMY_PATH/);
  });
});
