// Starts a real hub in this process against real services, with its own queue prefix.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { loadConfig, type Env } from '../../hub/config.ts';
import { createLogger } from '../../hub/logger.ts';
import { startHub, type HubDeps, type RunningHub } from '../../app/compose.ts';
import { signIn } from '../../testkit/hub-client.ts';
import { noDns } from './mail-auth.ts';

// The client side lives in testkit/ (bench/ uses it too); named here as well so every test imports from one place.
export { ADMIN, PUBLIC_BASE_URL, connectDesk, signIn, testEnv, uniquePrefix } from '../../testkit/hub-client.ts';

/**
 * `deps.resolveDns` answers the hub's DNS questions (email sender checks; see helpers/mail-auth.ts FakeDns);
 * by default every name is unknown, so no test asks the machine's DNS server anything.
 */
export async function startTestHub(env: Env, deps: HubDeps = {}): Promise<RunningHub & { url: string }> {
  const hub = await startHub(loadConfig(env), createLogger(env.LOG_LEVEL ?? 'silent'), { resolveDns: noDns, ...deps });
  if (!hub.url) throw new Error('test hub has no HTTP server');
  return hub as RunningHub & { url: string };
}

/** A hub process that runs only the queue workers and sweeper (HUB_ROLES=worker). */
export function startTestWorker(env: Env, deps: HubDeps = {}): Promise<RunningHub> {
  return startHub(loadConfig({ ...env, HUB_ROLES: 'worker' }), createLogger(env.LOG_LEVEL ?? 'silent'), { resolveDns: noDns, ...deps });
}

/** Resolves with the first event of that name whose payload passes `match`. */
export function nextEvent<T>(socket: Socket, name: string, match: (payload: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const handler = (payload: T) => {
      if (!match(payload)) return;
      socket.off(name, handler);
      resolve(payload);
    };
    socket.on(name, handler);
  });
}

export async function apiJson<T = any>(hubUrl: string, cookie: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(hubUrl + path, { ...init, headers: { 'content-type': 'application/json', cookie, ...(init.headers ?? {}) } });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

export interface DeskAccount {
  id: string;
  email: string;
  password: string;
  /** The session cookie, signed in through the API. */
  cookie: string;
}

/**
 * A desk account created by an admin through the API (as a council would), with its routing settings if
 * given, and signed in.
 */
export async function createDeskAccount(
  hubUrl: string,
  adminCookie: string,
  account: {
    name: string;
    role?: 'agent' | 'supervisor' | 'admin' | 'service' | 'strategy';
    email?: string;
    serviceId?: string;
    routing?: { skills?: string[]; capacity?: Record<string, number>; teamIds?: string[] };
  },
): Promise<DeskAccount> {
  const email = account.email ?? `${account.name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${randomBytes(3).toString('hex')}@council.example`;
  const password = 'a long enough password';
  const created = await apiJson(hubUrl, adminCookie, '/api/agents', {
    method: 'POST',
    body: JSON.stringify({ email, displayName: account.name, password, role: account.role ?? 'agent', serviceId: account.serviceId }),
  });
  if (created.status !== 201) throw new Error(`could not create ${account.name}: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.agent.id as string;
  if (account.routing) {
    const set = await apiJson(hubUrl, adminCookie, `/api/agents/${id}/routing`, { method: 'PUT', body: JSON.stringify(account.routing) });
    if (set.status !== 200) throw new Error(`could not set ${account.name}'s routing: ${set.status} ${JSON.stringify(set.body)}`);
  }
  return { id, email, password, cookie: await signIn(hubUrl, { email, password }) };
}

/** Follow-ups asked as soon as a plan closes, at any hour, looked for often: a test need not wait a day. */
export const FOLLOW_UP_AT_ONCE = { FOLLOW_UP_AFTER_HOURS: '0', FOLLOW_UP_HOURS: '', FOLLOW_UP_SWEEP_MS: '200' } as const;
