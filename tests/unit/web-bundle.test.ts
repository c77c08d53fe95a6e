// The desk's React bundle: built in memory with esbuild, served from memory with its type and cache headers,
// revalidated by ETag; the TypeScript sources beside the page are not served.
import type { AddressInfo } from 'node:net';
import { get, type Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeskBundle, deskBundleHandler } from '../../agent-desk/server/web-bundle.ts';

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use('/desk', deskBundleHandler(await buildDeskBundle()), (_req, res) => void res.status(404).end());
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/desk`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the desk bundle', () => {
  it('is built once per process, minified, with production React and a linked source map', async () => {
    const bundle = await buildDeskBundle();
    expect(await buildDeskBundle()).toBe(bundle);
    const js = bundle.js.toString();
    expect(js).toMatch(/\/\/# sourceMappingURL=desk\.js\.map\s*$/);
    expect(js).not.toContain('react.development');
    expect(bundle.js.length).toBeLessThan(600_000);
    expect(JSON.parse(bundle.map.toString()).sources.some((s: string) => s.endsWith('agent-desk/web/src/App.tsx'))).toBe(true);
  });

  it('is served as JavaScript with a cache header, and answers 304 to a matching ETag', async () => {
    const res = await fetch(`${base}/desk.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, must-revalidate');
    expect((await res.text()).length).toBe((await buildDeskBundle()).js.length);
    // node:http, not fetch: fetch adds Cache-Control: no-cache to a conditional request, which forbids a 304.
    const status = await new Promise<number | undefined>((resolve, reject) =>
      get(`${base}/desk.js`, { headers: { 'if-none-match': res.headers.get('etag')! } }, (r) => {
        r.resume();
        resolve(r.statusCode);
      }).on('error', reject),
    );
    expect(status).toBe(304);
    const map = await fetch(`${base}/desk.js.map`);
    expect(map.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(map.headers.get('etag')).not.toBe(res.headers.get('etag'));
  });

  it('does not serve the sources, and leaves other files to the static handler', async () => {
    expect((await fetch(`${base}/src/App.tsx`)).status).toBe(404);
    expect((await fetch(`${base}/index.html`)).status).toBe(404);
    expect((await fetch(`${base}/desk.js`, { method: 'POST' })).status).toBe(404);
  });
});
