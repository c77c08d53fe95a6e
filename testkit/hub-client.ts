// What a benchmark or a test does to a running hub from outside, as a client would: its environment, signing in,
// the desk's socket. Shared by tests/ and bench/ (bench/ never imports tests/: DESIGN.md, "Dependency direction").
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { Env } from '../hub/config.ts';
import { HUB_NUMBER, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './twilio-webhook.ts';

export const ADMIN = { email: 'admin@council.example', password: 'correct horse battery staple' };
export const PUBLIC_BASE_URL = 'https://hub.council.example';

export const uniquePrefix = (label: string) => `test-${label}-${randomBytes(4).toString('hex')}`;

export function testEnv(overrides: Env = {}): Env {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL,
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: uniquePrefix('hub'),
    // The tests connect from 127.0.0.1 and play the council's load balancer when they send X-Forwarded-For.
    TRUST_PROXY: 'loopback',
    // Each hub its own data folder: its inbound journal must never be replayed into another test's database.
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'hub-data-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: HUB_NUMBER,
    SWEEP_INTERVAL_MS: '200',
    SWEEP_AFTER_MS: '500',
    OUTBOUND_BACKOFF_MS: '50',
    // Off unless a test is about the bot: other tests expect only an agent's replies to go out.
    BOT_CHANNELS: '',
    ...overrides,
  };
}

/** Signs in through the API and returns the session cookie header value. */
export async function signIn(hubUrl: string, creds = ADMIN): Promise<string> {
  const res = await fetch(`${hubUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(creds) });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}

export async function connectDesk(hubUrl: string, cookie: string): Promise<Socket> {
  const socket = connect(`${hubUrl}/desk`, { extraHeaders: { cookie }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}
