// The desk checks the hub's main answers against the hub's own views (agent-desk/shared/views.ts) as they arrive:
// an answer in a shape it does not expect (a hub and a desk of different versions) shows as an error that says
// which answer and which field, instead of a list that silently never fills.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, signInOnDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { ADMIN, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase('desk_shapes_browser');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await database?.drop();
});

describe('an answer from the hub in a shape the desk does not expect', () => {
  it('says which answer and which field, in an alert', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The list as a hub that renamed a field would send it: each row's status missing.
    await page.route(/\/api\/conversations\?/, async (route) => {
      const row = { id: '4c5a8a56-2b4e-4d0c-9a55-0d1f4a0f3a11' };
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ conversations: [row], next: null }) });
    });
    await page.goto(`${hub.url}/desk/`);
    await signInOnDesk(page, ADMIN);
    const alert = page.locator('#desk-error');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.getAttribute('role')).toBe('alert');
    const text = await alert.textContent();
    expect(text).toContain('/api/conversations');
    expect(text).toMatch(/conversations\.0\.status/);
    await context.close();
  });
});
