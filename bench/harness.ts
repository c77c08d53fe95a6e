// What the benchmarks share: a hub spawned as its own process on a throw-away PostgreSQL database,
// a bounded-concurrency driver, and percentile reporting.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createTestDatabase, type TestDatabase } from '../testkit/postgres.ts';
import { testEnv, uniquePrefix } from '../testkit/hub-client.ts';
import { freePort, spawnHub, type HubProcess } from '../testkit/processes.ts';
import type { Env } from '../hub/config.ts';

export interface Result {
  name: string;
  count: number;
  seconds: number;
  latenciesMs: number[];
}

export const perSecond = (r: Result) => r.count / r.seconds;

export function percentile(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

export function report(r: Result) {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const fmt = (n: number) => n.toFixed(2).padStart(8);
  console.log(
    `${r.name.padEnd(44)} ${perSecond(r).toFixed(0).padStart(7)} /s   p50 ${fmt(percentile(sorted, 50))} ms   p95 ${fmt(percentile(sorted, 95))} ms   p99 ${fmt(percentile(sorted, 99))} ms`,
  );
}

/** Runs `task(i)` for i < count with at most `concurrency` in flight; returns per-task latencies. */
export async function drive(name: string, count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<Result> {
  const latenciesMs: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  return { name, count, seconds: (performance.now() - start) / 1000, latenciesMs };
}

/**
 * Runs `task(i)` for i < count at a fixed arrival rate (open loop: the next starts on time whether or not
 * earlier ones have finished), and times each from when it was due, so a backlog shows in the latencies
 * instead of slowing the arrivals (no coordinated omission).
 */
export async function driveOpenLoop(name: string, count: number, ratePerSecond: number, task: (i: number) => Promise<void>): Promise<Result> {
  const latenciesMs: number[] = [];
  const start = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(task(i).then(() => void latenciesMs.push(performance.now() - due)));
  }
  await Promise.all(running);
  return { name, count, seconds: (performance.now() - start) / 1000, latenciesMs };
}

/** CPU time used so far (user + system, ms) by the hub's process, PostgreSQL's and Redis's (Linux /proc). */
export function cpuTimes(hubPid: number): { hub: number; postgres: number; redis: number } {
  const TICK_MS = 10; // USER_HZ is 100 on Linux
  const used = (pid: string) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    } catch {
      return 0; // it ended meanwhile
    }
  };
  const totals = { hub: used(String(hubPid)), postgres: 0, redis: 0 };
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (command.startsWith('postgres')) totals.postgres += used(pid);
    else if (command.startsWith('redis-server')) totals.redis += used(pid);
  }
  return totals;
}

export interface BenchHub {
  url: string;
  hub: HubProcess;
  database: TestDatabase;
  /** What the hub has sent so far: PostgreSQL round trips and Redis requests (bench/round-trips.cjs). */
  roundTrips(): Promise<{ postgres: number; redis: number }>;
  /** Kills the hub (if still running), drops its database and deletes its queue keys from Redis. */
  stop(): Promise<void>;
}

/**
 * The hub runs as its own process, as in production; the calling process is the load generator.
 * `env` is added to the test environment (e.g. to raise a rate limit for one load-generating address).
 */
export async function startBenchHub(label: string, env: Env = {}): Promise<BenchHub> {
  const database = await createTestDatabase(label);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const hubEnv = testEnv({
    DATABASE_URL: database.url,
    PORT: String(port),
    QUEUE_PREFIX: uniquePrefix('bench'),
    LOG_LEVEL: 'warn',
    SWEEP_INTERVAL_MS: '5000',
    SWEEP_AFTER_MS: '60000',
    ...(process.env.BENCH_SQL_LOG ? { BENCH_SQL_LOG: process.env.BENCH_SQL_LOG } : {}),
    ...env,
  });
  const hub = spawnHub(
    hubEnv,
    // BENCH_PROFILE=dir writes a CPU profile of the hub process there (open it in Chrome DevTools).
    [
      '--require',
      path.join(import.meta.dirname, 'round-trips.cjs'),
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    ],
  );
  let read = 0;
  const roundTrips = async () => {
    hub.child.kill('SIGUSR2');
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 10))) {
      const line = hub
        .output()
        .slice(read)
        .match(/round-trips (\{[^\n]*\})\n/);
      if (line) {
        read = hub.output().indexOf(line[0], read) + line[0].length;
        return JSON.parse(line[1]!) as { postgres: number; redis: number };
      }
    }
    throw new Error('the hub did not report its round trips');
  };
  const stop = async () => {
    // A CPU profile is written only when the process exits by itself.
    await hub.kill(process.env.BENCH_PROFILE ? 'SIGTERM' : 'SIGKILL');
    await database.drop();
    await deleteKeys(hubEnv.REDIS_URL!, hubEnv.QUEUE_PREFIX!);
  };
  try {
    await waitForHealth(url, hub.output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, hub, database, roundTrips, stop };
}

async function waitForHealth(url: string, output: () => string) {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the hub did not become healthy within 60 s:\n${output()}`);
}

/** BullMQ leaves a few keys per queue (ids, meta, events) even when every job is removed. */
async function deleteKeys(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
