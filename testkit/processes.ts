// Real processes for fault tests: a hub worker we can SIGKILL, and a private redis-server we can restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Env } from '../hub/config.ts';

const root = path.resolve(import.meta.dirname, '..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface HubProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the process has logged a line matching `pattern`. */
  waitForLog(pattern: RegExp): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `app/main.ts` as its own process (what production runs), with the given environment. */
export function spawnHub(env: Env, nodeArgs: string[] = []): HubProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'app/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    waitForLog: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            listeners.delete(check);
            resolve();
          }
        };
        child.once('exit', (code) => !pattern.test(output) && reject(new Error(`hub exited (${code}) before logging ${pattern}:\n${output}`)));
        listeners.add(check);
        check();
      }),
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface PrivateRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  /** Stops the server at once; it keeps nothing on disk, so every key is gone when it starts again. */
  stop(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'ch-redis-'));
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const api: PrivateRedis = {
    url,
    port,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
      probe.on('error', () => undefined); // refused until the server is up
      await probe.connect().catch(() => undefined);
      await probe.ping();
      probe.disconnect();
    },
    async stop() {
      if (!child) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      child = undefined;
    },
  };
  await api.start();
  return api;
}
