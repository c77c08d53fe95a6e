// Redis connections. BullMQ needs a real Redis; when none answers, say so plainly.
import { Redis } from 'ioredis';

export { Redis };

/** A connection for BullMQ and pub/sub: commands wait through reconnects instead of failing. */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true });
}

/** `onError` hears connection errors while Redis is away (ioredis reconnects by itself meanwhile). */
export async function connectRedis(url: string, onError: (error: Error) => void): Promise<Redis> {
  const redis = createRedis(url);
  redis.on('error', onError);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const host = new URL(url).host;
    throw new Error(
      `Redis at ${host} did not answer (${(error as Error).message}). The hub's queues need Redis: ` +
        `start one (e.g. 'redis-server --port 6379' or 'docker compose up -d redis') or set REDIS_URL.`,
    );
  }
  return redis;
}

/**
 * Marks as handled the replies of commands a library sends without waiting for them (socket.io's adapter: a
 * heartbeat's PUBLISH, a closed socket's session SET). Closing a connection that is still connecting fails the
 * commands waiting on it, and nobody would hear that: Node ends a process on an unhandled rejection (and vitest
 * fails the run). A caller that does wait still gets the failure.
 */
export function handledReplies(client: Redis, commands: readonly ('publish' | 'spublish' | 'set')[]): Redis {
  const target = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of commands) {
    const send = target[name]!.bind(client);
    target[name] = (...args: unknown[]) => {
      const reply = send(...args);
      reply.catch(() => undefined);
      return reply;
    };
  }
  return client;
}
