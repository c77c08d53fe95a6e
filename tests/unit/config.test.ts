import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../../hub/config.ts';
import { configProblems } from '../helpers/config.ts';

const twilio = { TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'x'.repeat(32), TWILIO_PHONE_NUMBER: '+442079460001' };

const problems = configProblems;

describe('loadConfig', () => {
  it('runs with nothing set: embedded database, local Redis, web chat on', () => {
    const config = loadConfig({});
    expect(config.database).toMatchObject({ kind: 'pglite' });
    expect(config.database.kind === 'pglite' && config.database.dataDir).toMatch(/data\/pglite$/);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(Object.keys(config.channels)).toEqual(['webchat', 'in_person', 'plan_page']);
    expect(Object.keys(loadConfig({ WEBCHAT_ENABLED: 'false', IN_PERSON_ENABLED: 'false', PLAN_PAGE_MESSAGES_ENABLED: 'false' }).channels)).toEqual([]);
  });

  it('switches SMS and voice on when the Twilio credentials are set', () => {
    expect(Object.keys(loadConfig(twilio).channels)).toEqual(['sms', 'webchat', 'voice', 'in_person', 'plan_page']);
    expect(Object.keys(loadConfig({ ...twilio, VOICE_ENABLED: 'false' }).channels)).toEqual(['sms', 'webchat', 'in_person', 'plan_page']);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgresql:\/\/ URL/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ PUBLIC_BASE_URL: 'ftp://hub' }, /PUBLIC_BASE_URL/],
    [{ ADMIN_EMAIL: 'admin@council.example' }, /ADMIN_PASSWORD: is required/],
    [{ ADMIN_EMAIL: 'admin@council.example', ADMIN_PASSWORD: 'short' }, /ADMIN_PASSWORD: must be at least 12/],
    [{ TWILIO_ACCOUNT_SID: twilio.TWILIO_ACCOUNT_SID }, /TWILIO_AUTH_TOKEN.*sms channel is switched on/],
    [{ ...twilio, TWILIO_PHONE_NUMBER: '01632 960001' }, /TWILIO_PHONE_NUMBER: must be a phone number in E.164/],
    [{ ...twilio, TWILIO_ACCOUNT_SID: 'SK123' }, /TWILIO_ACCOUNT_SID: must be a Twilio account SID/],
  ])('names the variable that is wrong: %j', (env, message) => {
    expect(problems(env as Record<string, string>).join('\n')).toMatch(message);
  });

  it('never prints secrets in its start-up description', () => {
    const config = loadConfig({
      ...twilio,
      DATABASE_URL: 'postgresql://hub:s3cret-pw@db.internal:5432/hub',
      ADMIN_EMAIL: 'a@b.example',
      ADMIN_PASSWORD: 'a-very-long-password',
    });
    const printed = JSON.stringify(describeConfig(config));
    expect(printed).toContain('db.internal:5432');
    for (const secret of ['s3cret-pw', twilio.TWILIO_AUTH_TOKEN, 'a-very-long-password']) expect(printed).not.toContain(secret);
  });

  it('the needs bot answers every channel by default, can be switched off, and refuses unknown channels', () => {
    expect(loadConfig({}).botChannels).toEqual(['sms', 'webchat', 'email', 'voice', 'botframework', 'whatsapp']);
    expect(loadConfig({ BOT_CHANNELS: '' }).botChannels).toEqual([]);
    expect(loadConfig({ BOT_CHANNELS: 'webchat' }).botChannels).toEqual(['webchat']);
    expect(() => loadConfig({ BOT_CHANNELS: 'sms,fax' })).toThrow(/BOT_CHANNELS/);
  });

  it('locks sign-in after 5 failures for 15 minutes by default; the lock may be a fraction of a minute', () => {
    expect(loadConfig({}).loginLockout).toEqual({
      maxFailures: 5,
      maxFailuresPerAccount: 20,
      accountDelayMaxSeconds: 60,
      lockSeconds: 900,
      maxFailuresPerIpPerDay: 100,
    });
    expect(
      loadConfig({
        LOGIN_LOCK_MINUTES: '0.1',
        LOGIN_MAX_FAILURES: '3',
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
        LOGIN_ACCOUNT_DELAY_MAX_SECONDS: '8',
        LOGIN_MAX_FAILURES_PER_IP_PER_DAY: '50',
      }).loginLockout,
    ).toEqual({
      maxFailures: 3,
      maxFailuresPerAccount: 3,
      accountDelayMaxSeconds: 8,
      lockSeconds: 6,
      maxFailuresPerIpPerDay: 50,
    });
  });

  it('ends sessions after 12 hours, or 30 minutes with no request, by default', () => {
    expect(loadConfig({})).toMatchObject({ sessionTtlMs: 12 * 3_600_000, sessionIdleMs: 30 * 60_000 });
    expect(loadConfig({ SESSION_IDLE_MINUTES: '0.05' }).sessionIdleMs).toBe(3000);
    expect(problems({ SESSION_IDLE_MINUTES: '0' }).join('\n')).toMatch(/SESSION_IDLE_MINUTES: must be at least/);
  });

  it.each([
    [{ LOGIN_MAX_FAILURES: '0' }, /LOGIN_MAX_FAILURES:/],
    [{ LOGIN_MAX_FAILURES: 'five' }, /LOGIN_MAX_FAILURES:/],
    [{ LOGIN_MAX_FAILURES: '2.5' }, /LOGIN_MAX_FAILURES:/],
    [{ LOGIN_LOCK_MINUTES: '0.001' }, /LOGIN_LOCK_MINUTES: must be at least .*one second/],
    [{ LOGIN_LOCK_MINUTES: '5000' }, /LOGIN_LOCK_MINUTES: must be at most 1440/],
    [{ LOGIN_MAX_FAILURES_PER_IP_PER_DAY: '-1' }, /LOGIN_MAX_FAILURES_PER_IP_PER_DAY:/],
    [{ LOGIN_ACCOUNT_DELAY_MAX_SECONDS: '0' }, /LOGIN_ACCOUNT_DELAY_MAX_SECONDS:/],
    [{ LOGIN_MAX_FAILURES: '10', LOGIN_MAX_FAILURES_PER_ACCOUNT: '5' }, /LOGIN_MAX_FAILURES_PER_ACCOUNT: must be at least LOGIN_MAX_FAILURES/],
  ])('names the sign-in lock-out variable that is wrong: %j', (env, message) => {
    expect(problems(env as Record<string, string>).join('\n')).toMatch(message);
  });
});
