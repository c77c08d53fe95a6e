// Preloaded into a bench's hub (node --require): counts what the process sends to PostgreSQL and Redis, and
// prints the totals to stderr on SIGUSR2 as one line, `round-trips {...}`. A PostgreSQL round trip is a Sync
// (the end of an extended-protocol query) or a simple Query message; a Redis command is a RESP array.
// Only the main thread counts (module hooks run preloads in their own thread too).
// BENCH_SQL_LOG=file also counts round trips by their first statement's text (from the Parse or Query
// message) and writes the counts there, most first, on SIGUSR2: which statements a path sends, and how often.
const { isMainThread } = require('node:worker_threads');
if (isMainThread) {
  const net = require('node:net');
  const PG_PORT = Number(process.env.BENCH_PG_PORT || 5432);
  const REDIS_PORT = Number(process.env.BENCH_REDIS_PORT || 6379);
  const counts = { postgres: 0, redis: 0 };
  // In-process benches (bench/bot.ts) read the running totals here instead of signalling themselves.
  globalThis.__benchRoundTrips = counts;
  const sqlLog = process.env.BENCH_SQL_LOG;
  const byStatement = new Map();
  let first = null;
  const cstring = (buffer, at, end) => {
    const nul = buffer.indexOf(0, at);
    return buffer.toString('utf8', at, nul === -1 || nul > end ? end : nul);
  };
  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (chunk, ...rest) {
    if (this.remotePort === PG_PORT && Buffer.isBuffer(chunk)) {
      for (let i = 0; i + 5 <= chunk.length; ) {
        const type = chunk[i];
        const length = chunk.readInt32BE(i + 1);
        if (length < 4) break;
        if (sqlLog && first === null && (type === 0x50 /* P */ || type === 0x51)) {
          const body = i + 5;
          const queryAt = type === 0x50 ? chunk.indexOf(0, body) + 1 : body;
          first = cstring(chunk, queryAt, i + 1 + length).replace(/\s+/g, ' ').slice(0, 160);
        }
        if (type === 0x53 /* S */ || type === 0x51 /* Q */) {
          counts.postgres++;
          if (sqlLog) {
            const key = first ?? '(a prepared statement)';
            byStatement.set(key, (byStatement.get(key) || 0) + 1);
            first = null;
          }
        }
        i += 1 + length;
      }
    } else if (this.remotePort === REDIS_PORT) {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('latin1') : '';
      counts.redis += (text.match(/(?:^|\r\n)\*\d+\r\n\$/g) || []).length;
    }
    return write.call(this, chunk, ...rest);
  };
  process.on('SIGUSR2', () => {
    if (sqlLog) {
      const lines = [...byStatement].sort((a, b) => b[1] - a[1]).map(([sql, n]) => `${String(n).padStart(8)}  ${sql}`);
      require('node:fs').writeFileSync(sqlLog, `${lines.join('\n')}\n`);
    }
    process.stderr.write(`round-trips ${JSON.stringify(counts)}\n`);
  });
}
