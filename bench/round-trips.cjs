// Preloaded into a bench's hub (node --require): counts what the process sends to PostgreSQL and Redis, and
// prints the totals to stderr on SIGUSR2 as one line, `round-trips {...}`. A PostgreSQL round trip is a Sync
// (the end of an extended-protocol query) or a simple Query message; a Redis command is a RESP array.
// Only the main thread counts (module hooks run preloads in their own thread too).
const { isMainThread } = require('node:worker_threads');
if (isMainThread) {
  const net = require('node:net');
  const PG_PORT = Number(process.env.BENCH_PG_PORT || 5432);
  const REDIS_PORT = Number(process.env.BENCH_REDIS_PORT || 6379);
  const counts = { postgres: 0, redis: 0 };
  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (chunk, ...rest) {
    if (this.remotePort === PG_PORT && Buffer.isBuffer(chunk)) {
      for (let i = 0; i + 5 <= chunk.length; ) {
        const type = chunk[i];
        if (type === 0x53 /* S */ || type === 0x51 /* Q */) counts.postgres++;
        const length = chunk.readInt32BE(i + 1);
        if (length < 4) break;
        i += 1 + length;
      }
    } else if (this.remotePort === REDIS_PORT) {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('latin1') : '';
      counts.redis += (text.match(/(?:^|\r\n)\*\d+\r\n\$/g) || []).length;
    }
    return write.call(this, chunk, ...rest);
  };
  process.on('SIGUSR2', () => process.stderr.write(`round-trips ${JSON.stringify(counts)}\n`));
}
