// The desk's front end (React, TypeScript under agent-desk/web/src) bundled once at start, in memory, with
// esbuild's JS API, and served from memory at /desk/desk.js (an ES module) with the chunks it loads: code
// shared by the desk and the views loaded on demand (import(): the evidence view, for its charts) sits in
// chunks named by their hash. The only copy on disk is a cache under node_modules/.cache (never committed);
// index.html and desk.css stay static files beside it.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import type { RequestHandler } from 'express';

const ENTRY = path.resolve(import.meta.dirname, '../web/src/main.tsx');
/** The entry's name under /desk/, as index.html loads it; every other file is named by its hash. */
export const DESK_ENTRY = 'desk.js';

export interface DeskBundle {
  /** Every file of the build by its name under /desk/: desk.js, the chunks, and each one's source map. */
  files: ReadonlyMap<string, Buffer>;
}

let built: Promise<DeskBundle> | undefined;

/**
 * The desk bundle, built on the first call (minified, ES2022 modules split into chunks, React's automatic JSX
 * runtime, production React) and kept for the life of the process: hubs started again in the same process
 * (tests) share it.
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
/** Lists a cached build's files; written last, so a build without it is incomplete. */
const MANIFEST = 'manifest.json';

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
  // The shape of the build itself: a cache written by an older layout is not read as this one.
  hash.update('esm-split-2');
  return hash.digest('hex').slice(0, 32);
}

async function readCached(dir: string): Promise<DeskBundle | null> {
  try {
    const names = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as string[];
    const contents = await Promise.all(names.map((name) => readFile(path.join(dir, name))));
    return { files: new Map(names.map((name, i) => [name, contents[i]!])) };
  } catch {
    return null;
  }
}

async function bundle(): Promise<DeskBundle> {
  const dir = path.join(CACHE, await inputsHash());
  const cached = await readCached(dir);
  if (cached) return cached;
  const fresh = await esbuildBundle();
  // Written in a folder of its own and renamed into place, so a process reading at the same moment never sees
  // half a build; a process that lost the race to rename leaves the winner's (the same build) in place.
  await mkdir(CACHE, { recursive: true });
  const temporary = `${dir}.${process.pid}.tmp`;
  await rm(temporary, { recursive: true, force: true });
  await mkdir(temporary);
  for (const [name, contents] of fresh.files) await writeFile(path.join(temporary, name), contents);
  await writeFile(path.join(temporary, MANIFEST), JSON.stringify([...fresh.files.keys()]));
  await rename(temporary, dir).catch(() => rm(temporary, { recursive: true, force: true }));
  return fresh;
}

async function esbuildBundle(): Promise<DeskBundle> {
  const outdir = path.join(CACHE, 'out');
  const result = await build({
    entryPoints: { desk: ENTRY },
    bundle: true,
    write: false,
    minify: true,
    // ES modules, so that import() loads a view's code (and what only it uses) when it is first opened.
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    sourcemap: 'linked',
    outdir,
    // Named by content: a desk.js from before a redeploy asks for its own chunks, never newer ones.
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    metafile: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'silent',
  });
  const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint && path.resolve(output.entryPoint) === ENTRY)?.[0];
  if (!entry) throw new Error('the desk bundle was not built');
  const files = new Map<string, Buffer>();
  for (const file of result.outputFiles) {
    const name = path.relative(outdir, file.path);
    // The entry is served as desk.js (index.html's name for it); its source map keeps the hashed name.
    files.set(path.resolve(file.path) === path.resolve(entry) ? DESK_ENTRY : name, Buffer.from(file.contents));
  }
  if (!files.has(DESK_ENTRY)) throw new Error('the desk bundle was not built');
  return { files };
}

/**
 * Serves the bundle's files from memory (mount it before the desk's static files). desk.js is revalidated
 * (index.html names it, and a redeploy changes it); the rest are named by their hash, so never change.
 * The TypeScript sources beside the page are not served: the bundle is what browsers get.
 */
export function deskBundleHandler(bundle: DeskBundle): RequestHandler {
  const etags = new Map([...bundle.files].map(([name, contents]) => [name, `"${createHash('sha256').update(contents).digest('base64url').slice(0, 27)}"`]));
  return (req, res, next) => {
    if (req.path.startsWith('/src/')) return void res.status(404).json({ error: 'not found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const name = req.path.slice(1);
    const contents = bundle.files.get(name);
    if (!contents) return next();
    res.type(name.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8');
    // desk.js is built per process start: cached briefly and revalidated by ETag, so a redeploy is picked up quickly.
    res.setHeader('Cache-Control', name === DESK_ENTRY ? 'public, max-age=300, must-revalidate' : 'public, max-age=31536000, immutable');
    res.setHeader('ETag', etags.get(name)!);
    if (req.fresh) return void res.status(304).end();
    res.send(contents);
  };
}
