// The desk's React bundle: built in memory with esbuild as ES modules (the evidence view and its charts in a
// chunk of their own, loaded when opened), served from memory with its type and cache headers, desk.js
// revalidated by ETag; the TypeScript sources beside the page are not served.
import type { AddressInfo } from 'node:net';
import { get, type Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeskBundle, deskBundleHandler, type DeskBundle } from '../../agent-desk/server/web-bundle.ts';

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

/** A script's source map, as its last line names it. */
const mapOf = (bundle: DeskBundle, name: string): { sources: string[] } => {
  const file = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(bundle.files.get(name)!.toString())?.[1];
  return JSON.parse(bundle.files.get(file!)!.toString());
};
/** What a script imports before it runs, and so what loads with it. */
const staticImports = (bundle: DeskBundle, name: string) =>
  [
    ...bundle.files
      .get(name)!
      .toString()
      .matchAll(/(?:from\s*|import\s*)"\.\/([^"]+\.js)"/g),
  ].map((m) => m[1]!);

describe('the desk bundle', () => {
  it('is built once per process, minified, with production React and linked source maps', async () => {
    const bundle = await buildDeskBundle();
    expect(await buildDeskBundle()).toBe(bundle);
    const js = bundle.files.get('desk.js')!.toString();
    expect(js).toMatch(/\/\/# sourceMappingURL=desk-\w+\.js\.map\s*$/);
    expect(js).not.toContain('react.development');
    const atStart = ['desk.js', ...staticImports(bundle, 'desk.js')];
    expect(atStart.reduce((n, name) => n + bundle.files.get(name)!.length, 0)).toBeLessThan(600_000);
    expect(atStart.flatMap((name) => mapOf(bundle, name).sources).some((s) => s.endsWith('agent-desk/web/src/App.tsx'))).toBe(true);
  });

  it('loads the evidence view and its charts only when it is opened, from a chunk of its own', async () => {
    const bundle = await buildDeskBundle();
    const atStart = ['desk.js', ...staticImports(bundle, 'desk.js')];
    const startSources = atStart.flatMap((name) => mapOf(bundle, name).sources);
    expect(startSources.some((s) => /(^|\/)chart\.js\//.test(s))).toBe(false);
    expect(startSources.some((s) => s.endsWith('agent-desk/web/src/Evidence.tsx'))).toBe(false);
    const lazy = /import\(\s*"\.\/(Evidence-\w+\.js)"\s*\)/.exec(bundle.files.get('desk.js')!.toString())?.[1];
    expect(lazy).toBeDefined();
    const sources = mapOf(bundle, lazy!).sources;
    expect(sources.some((s) => s.endsWith('agent-desk/web/src/Evidence.tsx'))).toBe(true);
    expect(sources.some((s) => /(^|\/)chart\.js\//.test(s))).toBe(true);
  });

  it('is served as JavaScript with a cache header, and answers 304 to a matching ETag', async () => {
    const bundle = await buildDeskBundle();
    const res = await fetch(`${base}/desk.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, must-revalidate');
    expect((await res.text()).length).toBe(bundle.files.get('desk.js')!.length);
    // node:http, not fetch: fetch adds Cache-Control: no-cache to a conditional request, which forbids a 304.
    const status = await new Promise<number | undefined>((resolve, reject) =>
      get(`${base}/desk.js`, { headers: { 'if-none-match': res.headers.get('etag')! } }, (r) => {
        r.resume();
        resolve(r.statusCode);
      }).on('error', reject),
    );
    expect(status).toBe(304);
    // The chunks and maps are named by their content: they never change, so they are kept.
    const [chunk] = staticImports(bundle, 'desk.js');
    const shared = await fetch(`${base}/${chunk}`);
    expect(shared.status).toBe(200);
    expect(shared.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(shared.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const mapName = /sourceMappingURL=(\S+)/.exec(bundle.files.get('desk.js')!.toString())![1]!;
    const map = await fetch(`${base}/${mapName}`);
    expect(map.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(map.headers.get('etag')).not.toBe(res.headers.get('etag'));
  });

  it('does not serve the sources, and leaves other files to the static handler', async () => {
    expect((await fetch(`${base}/src/App.tsx`)).status).toBe(404);
    expect((await fetch(`${base}/index.html`)).status).toBe(404);
    expect((await fetch(`${base}/desk.js`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/manifest.json`)).status).toBe(404);
  });
});
