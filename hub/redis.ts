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
