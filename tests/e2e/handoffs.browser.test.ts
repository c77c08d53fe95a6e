// Hand-offs on the desk in real headless Chromium: an agent hands a texting customer's two needs to the two
// services that own them (only once the box saying the customer agreed is ticked); a service-team account
// sees only its own service's hand-off, accepts it, answers the customer (who gets the SMS) and closes it,
// while the agent's desk follows each change without a reload; a supervisor sees one that was not accepted
// in time and steps in; once the customer's plan is done and they say how things are, the service sees what they
// said about it (never their comment). Every page passes axe-core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, openDesk, type OpenDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { ADMIN, PUBLIC_BASE_URL, apiJson, createDeskAccount, signIn, startTestHub, testEnv, type DeskAccount, FOLLOW_UP_AT_ONCE } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let browser: Browser;
let admin: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  database = await createTestDatabase('handoffs_browser');
  twilioApi = await startFakeTwilio();
  // Two services that work their hand-offs in the desk (no Slack, no webhook).
  const file = await writeDirectory([
    { id: 'svc-housing', name: 'Housing Options', needs: ['housing.homeless', 'housing.unsuitable'], handoff: { kind: 'desk' }, slaMinutes: 60 },
    { id: 'svc-money', name: 'Money Advice', needs: ['money.debt', 'money.benefits'], handoff: { kind: 'desk' } },
  ]);
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      DIRECTORY_PATH: file,
      // The follow-up is asked as soon as a plan closes, at any hour (only the last test closes one).
      ...FOLLOW_UP_AT_ONCE,
    }),
  );
  browser = await launchChromium();
  admin = await signIn(hub.url);
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

const db = () => hub.database.prisma;
const textsTo = (to: string) => twilioApi.requests.filter((r) => r.form.To === to).map((r) => r.form.Body ?? '');

/** A signed-in desk in its own browser context, ready for axe. */
async function deskPage(account: { email: string; password: string }, name: string): Promise<OpenDesk> {
  const desk = await openDesk(browser, hub.url, account, { axe: true, viewport: { width: 1366, height: 900 } });
  contexts.push(desk.context);
  await desk.page.getByText(`Signed in as ${name}`).waitFor();
  return desk;
}

describe('hand-offs on the desk', () => {
  const from = '+447911200701';
  let amy: DeskAccount;
  let agent: { page: Page; errors: string[] };

  // A long flow across three desks: on a loaded 2-core machine it has taken over 40 s of the default 60.
  it('the agent hands two needs to their two services once the customer agreed; the service accepts, answers and closes its own, and the agent sees it live', {
    timeout: 180_000,
  }, async () => {
    amy = await createDeskAccount(hub.url, admin, { name: 'Amy Agent' });
    agent = await deskPage(amy, 'Amy Agent');
    const words = 'My landlord wants us out by Friday and I am behind on the rent';
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, words));
    const item = agent.page.getByRole('button', { name: /\+447911200701/ });
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    await agent.page.getByText('None recorded yet.').waitFor();
    // Marks this page load: still there at the end means every change arrived without a reload.
    await agent.page.evaluate(() => Object.assign(window, { sameLoad: true }));

    // The agent records the two needs with the desk's own control.
    for (const label of ['Homeless or at risk of losing home', 'Debt and arrears']) {
      await agent.page.getByLabel('Add a need').fill(label);
      await agent.page.getByRole('button', { name: 'Add need' }).click();
      await expect.poll(() => agent.page.locator('#needs-list').textContent()).toContain(label);
    }

    // The Services panel says where each need would go, before anything is shared.
    const services = agent.page.getByRole('region', { name: 'Services', exact: true });
    // (A locator inside filter({ has }) is matched from each list item, so it starts from the page.)
    const choice = (need: string) => services.getByRole('listitem').filter({ has: agent.page.getByRole('checkbox', { name: need }) });
    await choice('Debt and arrears').waitFor();
    // A customer who texted can be reached later: no warning that the services could not get back to them.
    expect(await services.locator('#handoff-unreachable').count()).toBe(0);
    expect(await choice('Homeless or at risk of losing home').textContent()).toContain('Goes to Housing Options (Testford Council)');
    expect(await choice('Debt and arrears').textContent()).toContain('Goes to Money Advice (Testford Council)');
    expect(await services.getByRole('checkbox', { name: 'Debt and arrears' }).isChecked()).toBe(true);
    expect(await services.getByText('Nothing has been handed on to a service yet.').isVisible()).toBe(true);
    await services.getByLabel('Note for the services (optional)').fill('Text rather than call: her partner checks the phone log');

    // Without the customer's agreement nothing is sent, and the agent is told why, at the box to tick.
    const consent = services.getByRole('checkbox', { name: 'The customer agreed that we share this with these services' });
    await agent.page.setViewportSize({ width: 1366, height: 768 });
    await services.getByRole('button', { name: 'Hand on to services' }).click();
    await expect.poll(() => services.getByRole('alert').first().textContent()).toMatch(/^Ask the customer first\. Tick the box/);
    await expect.poll(() => consent.evaluate((el) => el === document.activeElement)).toBe(true);
    // On a laptop's 768 px the reason is on screen beside the box, not below the fold of the Details pane.
    const inView = (id: string) =>
      agent.page.locator(`#${id}`).evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
      });
    await expect.poll(() => inView('handoff-error')).toBe(true);
    expect(await db().handoff.count()).toBe(0);

    await consent.check();
    await services.getByRole('button', { name: 'Hand on to services' }).click();
    const result = services.getByRole('form', { name: 'Hand on to services' }).getByRole('status');
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toMatch(/^Handed on: /);
    const made = await db().handoff.findMany({ include: { service: true } });
    expect(made.map((h) => h.service.name).sort()).toEqual(['Housing Options', 'Money Advice']);
    const housing = made.find((h) => h.service.name === 'Housing Options')!;
    const money = made.find((h) => h.service.name === 'Money Advice')!;
    expect(await result.textContent()).toContain(`Housing Options, reference ${housing.reference}`);
    expect(await result.textContent()).toContain(`Money Advice, reference ${money.reference}`);
    // The plan shows both; the needs are now shown as with their services, with nothing left to tick.
    const plan = services.getByRole('list', { name: 'The customer’s plan' });
    await expect.poll(() => plan.getByRole('listitem').count()).toBe(2);
    await expect.poll(() => services.getByText(`Already with Money Advice, reference ${money.reference}`).isVisible()).toBe(true);
    expect(await services.getByRole('checkbox', { name: 'Debt and arrears' }).count()).toBe(0);
    // The customer is told who has their details, with the references.
    await expect.poll(() => textsTo(from).join('\n'), { timeout: 20_000 }).toContain(money.reference);
    await services.screenshot({ path: 'test-results/handoffs-services-panel.png' }).catch(() => undefined);
    expect(await axeViolations(agent.page)).toEqual([]);

    // Money Advice's own account sees its hand-off, and only that one.
    const moneyService = await db().service.findUniqueOrThrow({ where: { externalId: 'svc-money' } });
    const ali = await createDeskAccount(hub.url, admin, { name: 'Ali Advice', role: 'service', serviceId: moneyService.id });
    const service = await deskPage(ali, 'Ali Advice');
    const list = service.page.getByRole('list', { name: 'Hand-offs for your service' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    expect(await list.textContent()).toContain(money.reference);
    expect(await list.textContent()).not.toContain(housing.reference);
    expect(await service.page.getByRole('heading', { name: 'Conversations', exact: true }).count()).toBe(0);

    // Everything it needs to act without asking the customer again.
    await list.getByRole('button').click();
    const detail = service.page.getByRole('article', { name: `Hand-off ${money.reference} to Money Advice` });
    await detail.waitFor();
    await expect.poll(() => detail.locator('#handoff-status').textContent()).toMatch(/^Status: received, waiting to be accepted\. Accept by /);
    const read = (await detail.textContent()) ?? '';
    expect(read).toContain('Debt and arrears');
    expect(read).toContain(from);
    expect(await detail.locator('blockquote').allTextContents()).toEqual([words]);
    expect(read).toContain('Text rather than call: her partner checks the phone log');
    expect(read).toMatch(/The customer agreed on .*\. Recorded by Amy Agent\./);
    expect(await detail.locator('#handoff-plan').textContent()).toContain(
      `Housing Options (Homeless or at risk of losing home), reference ${housing.reference}`,
    );
    await service.page.screenshot({ path: 'test-results/handoffs-service-view.png', fullPage: true }).catch(() => undefined);
    expect(await axeViolations(service.page)).toEqual([]);

    // Accept: the agent's desk shows it at once.
    await detail.getByRole('button', { name: 'Accept', exact: true }).click();
    await expect.poll(() => detail.locator('#handoff-status').textContent()).toMatch(/^Status: accepted by Ali Advice\./);
    const onAgentDesk = plan.getByRole('listitem').filter({ hasText: money.reference });
    await expect.poll(() => onAgentDesk.textContent(), { timeout: 20_000 }).toMatch(/accepted by Ali Advice/);

    // The reply reaches the customer by SMS, saying who it is from.
    const reply = 'We can see you on Monday at 10am at the Civic Centre. Bring your rent statements.';
    await detail.getByLabel('Reply to the customer').fill(reply);
    await detail.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => textsTo(from).at(-1), { timeout: 20_000 }).toBe(`Money Advice (reference ${money.reference}): ${reply}`);
    await expect.poll(() => detail.getByRole('status').textContent()).toBe('Your reply is on its way to the customer by SMS.');

    // Closing needs to say what was done; then the agent sees it closed, with that, without reloading.
    await detail.getByRole('button', { name: 'Close hand-off' }).click();
    await expect.poll(() => detail.getByRole('alert').filter({ hasText: /\S/ }).textContent()).toBe('Say what was done before closing it.');
    await detail.getByLabel('What was done').fill('Appointment booked; rent arrears plan started');
    await detail.getByRole('button', { name: 'Close hand-off' }).click();
    await expect.poll(() => detail.locator('#handoff-status').textContent()).toBe('Status: closed (accepted by Ali Advice).');
    await expect.poll(() => service.page.locator('#handoffs-count').textContent()).toBe('Nothing open for your service.');
    await expect
      .poll(() => onAgentDesk.textContent(), { timeout: 20_000 })
      .toMatch(/closed \(accepted by Ali Advice\).*What was done: Appointment booked; rent arrears plan started/s);
    // The customer panel beside the conversation follows too.
    await expect
      .poll(() => agent.page.locator('#customer-handoffs').textContent(), { timeout: 20_000 })
      .toContain(
        `Money Advice: Debt and arrears. Reference ${money.reference}, closed (accepted by Ali Advice). What was done: Appointment booked; rent arrears plan started`,
      );
    expect(await agent.page.evaluate(() => (window as unknown as { sameLoad?: boolean }).sameLoad)).toBe(true);
    expect(agent.errors).toEqual([]);
    expect(service.errors).toEqual([]);
  });

  it('a supervisor sees a hand-off nobody accepted in time, opens it and accepts it', async () => {
    const supervisor = await deskPage(ADMIN, 'Administrator');
    await supervisor.page.getByRole('button', { name: 'Supervisor', exact: true }).click();
    const attention = supervisor.page.getByRole('region', { name: 'Hand-offs needing attention' });
    await attention.getByText('Nothing needs attention.').waitFor();

    // Housing's accept-by time passes (its hour is brought forward): reminded, then escalated to supervisors.
    const housing = await db().handoff.findFirstOrThrow({ where: { service: { externalId: 'svc-housing' } } });
    await db().handoff.update({ where: { id: housing.id }, data: { createdAt: new Date(Date.now() - 3_000), dueAt: new Date(Date.now() - 2_000) } });
    const waiting = attention.getByRole('list', { name: 'Hand-offs needing attention' }).getByRole('button', { name: new RegExp(housing.reference) });
    await waiting.waitFor({ timeout: 15_000 });
    // Listed when reminded; marked overdue once the timer has run (it may be a moment later on a busy machine).
    await expect
      .poll(() => waiting.textContent(), { timeout: 15_000 })
      .toMatch(/OVERDUE.*Homeless or at risk of losing home.*Housing Options · received, waiting to be accepted/);

    await waiting.click();
    // It opens over the desk, as a dialog.
    const detail = supervisor.page
      .getByRole('dialog', { name: `Hand-off ${housing.reference} to Housing Options` })
      .getByRole('article', { name: `Hand-off ${housing.reference} to Housing Options` });
    await expect.poll(() => detail.locator('#handoff-status').textContent()).toMatch(/Overdue: it should have been accepted by/);
    expect(await detail.locator('#handoff-events').textContent()).toMatch(
      /Not accepted in time: the service was reminded.*Still not accepted: supervisors were told/,
    );
    await supervisor.page.screenshot({ path: 'test-results/handoffs-attention.png' }).catch(() => undefined);
    expect(await axeViolations(supervisor.page)).toEqual([]);

    await detail.getByRole('button', { name: 'Accept', exact: true }).click();
    await expect.poll(() => detail.locator('#handoff-status').textContent()).toMatch(/^Status: accepted by Administrator\./);
    // Back to the list: the dialog closes and the list is empty.
    await supervisor.page.getByRole('button', { name: 'Back to the list' }).click();
    await expect.poll(() => detail.count()).toBe(0);
    await expect.poll(() => attention.getByText('Nothing needs attention.').isVisible()).toBe(true);
    // The agent who made it sees the change too.
    await expect
      .poll(() => agent.page.locator('#plan-list li', { hasText: housing.reference }).textContent(), { timeout: 20_000 })
      .toMatch(/accepted by Administrator/);
    expect(supervisor.errors).toEqual([]);
  });

  it('the service sees what the customer said about it when asked how things are: the score and whether it helped, with the date', async () => {
    const phone = '+447911200702';
    const texted = (body: string) => postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(phone, body));
    const hearsOf = async (words: string, had: number) => expect.poll(() => textsTo(phone).slice(had).join('\n'), { timeout: 20_000 }).toContain(words);
    // A customer's debt is handed to Money Advice; the service closes it, and the agent the conversation.
    await texted('I am behind on my council tax and the bailiffs have written');
    const where = { customer: { contactPoints: { some: { address: phone } } } };
    await expect.poll(() => db().conversation.count({ where }), { timeout: 20_000 }).toBe(1);
    const conversation = await db().conversation.findFirstOrThrow({ where });
    const api = (path: string, body: object) => apiJson(hub.url, admin, path, { method: 'POST', body: JSON.stringify(body) });
    expect((await api(`/api/conversations/${conversation.id}/needs`, { code: 'money.debt' })).status).toBe(201);
    const made = await api(`/api/conversations/${conversation.id}/handoffs`, { consent: true });
    expect(made.status).toBe(201);
    const handoff = made.body.handoffs[0] as { id: string; reference: string };
    const had = textsTo(phone).length;
    expect((await api(`/api/conversations/${conversation.id}/close`, { outcome: 'handed_off' })).status).toBe(200);
    expect((await api(`/api/handoffs/${handoff.id}/close`, { outcome: 'Payment plan agreed with the bailiffs' })).status).toBe(200);

    // Asked how things are: better, Money Advice helped, and something only the contact centre reads.
    await hearsOf('How are things for you now', had);
    await texted('4');
    await hearsOf('Did Money Advice help you?', had);
    await texted('yes');
    await hearsOf('Is there anything else', had);
    await texted('My neighbour lent me the money in the end');
    await hearsOf('Someone from our team will read what you wrote', had);

    const moneyService = await db().service.findUniqueOrThrow({ where: { externalId: 'svc-money' } });
    const mo = await createDeskAccount(hub.url, admin, { name: 'Mo Money', role: 'service', serviceId: moneyService.id });
    const service = await deskPage(mo, 'Mo Money');
    // Closed: among all of the service's hand-offs.
    await service.page.getByLabel('All, closed ones too').check();
    const list = service.page.getByRole('list', { name: 'Hand-offs for your service' });
    await list.getByRole('button', { name: new RegExp(handoff.reference) }).click();
    const detail = service.page.getByRole('article', { name: `Hand-off ${handoff.reference} to Money Advice` });
    const feedback = detail.locator('ul#handoff-feedback');
    await feedback.waitFor();
    expect(await detail.getByRole('heading', { name: 'How the customer says things are' }).count()).toBe(1);
    const answeredAt = (await db().followUp.findFirstOrThrow({ where: { customerId: conversation.customerId } })).answeredAt!;
    const date = answeredAt.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
    expect(await feedback.getByRole('listitem').allTextContents()).toEqual([`${date}: Customer says things are better (4 of 5) · Your service helped: yes`]);
    // Their own words stay with the contact centre.
    expect(await detail.textContent()).not.toContain('neighbour');
    await service.page.screenshot({ path: 'test-results/handoffs-service-feedback.png', fullPage: true }).catch(() => undefined);
    expect(await axeViolations(service.page)).toEqual([]);
    expect(service.errors).toEqual([]);
  });
});
