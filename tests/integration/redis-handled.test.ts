// A connection closed while it is still connecting fails the commands waiting on it. socket.io's Redis adapter
// sends some without waiting for the answer (a heartbeat's PUBLISH, a closed socket's session SET), so a hub
// stopped at that moment left a rejection nobody handled: Node ends a process on one, and CI failed on it once.
// The server here accepts the connection and never answers, which holds the client in that state.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { handledReplies, Redis } from '../../hub/redis.ts';

let server: Server;
let port: number;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('commands sent without waiting, on a connection closed while connecting', () => {
  it('fail quietly for whoever did not wait, and still fail for whoever waits', async () => {
    const unhandled: unknown[] = [];
    const note = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', note);
    onTestFinished(() => void process.off('unhandledRejection', note));

    const client = handledReplies(new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: null }), ['publish', 'spublish', 'set']);
    client.on('error', () => undefined);
    await expect.poll(() => sockets.size).toBe(1);
    expect(client.status).not.toBe('ready');
    // As the adapter does: not awaited.
    void client.publish('socket.io#/#', 'heartbeat');
    void client.set('sio:session:1', 'x', 'PX', 120_000);
    const awaited = client.set('sio:session:2', 'y');
    client.disconnect();
    await expect(awaited).rejects.toThrow(/Connection is closed/);
    // A rejection is reported once the turn that made it has finished.
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled.map(String)).toEqual([]);
  });
});
