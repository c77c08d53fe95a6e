// The desk's front end (React, TypeScript under agent-desk/web/src) bundled once at start, in memory, with
// esbuild's JS API, and served from memory at /desk/desk.js (and its source map). The only copy on disk is a
// cache under node_modules/.cache (never committed); index.html and desk.css stay static files beside it.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import type { RequestHandler } from 'express';

const ENTRY = path.resolve(import.meta.dirname, '../web/src/main.tsx');

export interface DeskBundle {
  js: Buffer;
  map: Buffer;
}

let built: Promise<DeskBundle> | undefined;

/**
 * The desk bundle, built on the first call (minified, ES2022, React's automatic JSX runtime, production React)
 * and kept for the life of the process: hubs started again in the same process (tests) share it.
 */
export function buildDeskBundle(): Promise<DeskBundle> {
  built ??= bundle().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}

// Built bundles are kept by the hash of what goes into them (the sources and the lockfile), so every hub
// process after the first, and every test process, reads the bundle instead of building it again.
const ROOT = path.resolve(import.meta.dirname, '../..');
const CACHE = path.join(ROOT, 'node_modules/.cache/contact-hub-desk');

// Beside its own sources, the desk bundles the hub's view schemas (agent-desk/shared) and the channel contract
// they are built on: a change to either must build the bundle again.
const SHARED = [path.resolve(import.meta.dirname, '../shared'), path.join(ROOT, 'channels/contract.ts')];

async function inputsHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of [path.dirname(ENTRY), SHARED[0]!]) {
    const sources = (await readdir(dir, { recursive: true })).filter((f) => /\.(tsx?|css)$/.test(f)).sort();
    for (const file of sources) hash.update(file).update(await readFile(path.join(dir, file)));
  }
  hash.update(await readFile(SHARED[1]!));
  hash.update(await readFile(path.join(ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 32);
}

async function bundle(): Promise<DeskBundle> {
  const key = await inputsHash();
  const [jsFile, mapFile] = [path.join(CACHE, `${key}.js`), path.join(CACHE, `${key}.js.map`)];
  const cached = await Promise.all([readFile(jsFile), readFile(mapFile)]).catch(() => null);
  if (cached) return { js: cached[0], map: cached[1] };
  const built = await esbuildBundle();
  // Written under a temporary name and renamed, so a process reading at the same moment never sees half a file.
  await mkdir(CACHE, { recursive: true });
  for (const [file, contents] of [
    [mapFile, built.map],
    [jsFile, built.js],
  ] as const) {
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, contents);
    await rename(temporary, file);
  }
  return built;
}

async function esbuildBundle(): Promise<DeskBundle> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    sourcemap: 'linked',
    outfile: 'desk.js',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
  if (!js || !map) throw new Error('the desk bundle was not built');
  return { js: Buffer.from(js.contents), map: Buffer.from(map.contents) };
}

/**
 * Serves desk.js and desk.js.map from the bundle built at start (mount it before the desk's static files).
 * The TypeScript sources beside the page are not served: the bundle is what browsers get.
 */
export function deskBundleHandler(bundle: DeskBundle): RequestHandler {
  const etag = `"${createHash('sha256').update(bundle.js).digest('base64url').slice(0, 27)}"`;
  return (req, res, next) => {
    if (req.path.startsWith('/src/')) return void res.status(404).json({ error: 'not found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const file = req.path === '/desk.js' ? 'js' : req.path === '/desk.js.map' ? 'map' : null;
    if (!file) return next();
    res.type(file === 'js' ? 'text/javascript; charset=utf-8' : 'application/json; charset=utf-8');
    // Built per process start: cached briefly and revalidated by ETag, so a redeploy is picked up quickly.
    res.setHeader('Cache-Control', 'public, max-age=300, must-revalidate');
    res.setHeader('ETag', file === 'js' ? etag : `${etag.slice(0, -1)}-map"`);
    if (req.fresh) return void res.status(304).end();
    res.send(bundle[file]);
  };
}
