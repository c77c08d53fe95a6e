// The dependency direction of DESIGN.md, checked on every import of every source file: channels → nothing;
// hub → channels; agent-desk → hub; app/ (the composition root) is the only folder that imports them all;
// bench/ does not import tests/. A wrong-way import fails here, naming the file and the import.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', '.git', 'hub/generated']);

/**
 * Folders directly in channels/ that are libraries shared by several channels, not channels: any channel may
 * import them. twilio/ holds what the Twilio channels (sms, whatsapp, voice) share: the SDK client, webhook
 * signatures, the Messaging webhooks and their normalising, media fetching. A shared library may not import a
 * channel's folder either. Files directly in channels/ (contract.ts, registry.ts, bidi.ts) are shared too.
 */
const SHARED_CHANNEL_LIBRARIES = new Set(['twilio']);

interface Import {
  /** Repository-relative, with forward slashes. */
  file: string;
  specifier: string;
  /** What the specifier names, repository-relative; null for a package. */
  target: string | null;
}

function sourceFiles(dir = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (SKIP.has(entry.name) || SKIP.has(rel)) continue;
    if (entry.isDirectory()) files.push(...sourceFiles(rel));
    else if (/\.(ts|tsx|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(rel);
  }
  return files;
}

/** Every import of a file: static, re-exports and dynamic import(), read by TypeScript's own pre-processor so comments and strings are not mistaken for imports. */
function importsOf(file: string): Import[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
  return importedFiles.map(({ fileName: specifier }) => ({
    file,
    specifier,
    target: specifier.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)) : null,
  }));
}

const under = (p: string, folder: string) => p === folder || p.startsWith(`${folder}/`);
/** The channel folder a path is in (channels/<name>/...), or null for files directly in channels/. */
const channelFolder = (p: string) => /^channels\/([^/]+)\//.exec(p)?.[1] ?? null;

/** Why this import goes the wrong way, or null when it is allowed. */
function violation({ file, target }: Import): string | null {
  if (!target) return null;
  if (under(file, 'hub')) {
    for (const folder of ['agent-desk', 'app']) if (under(target, folder)) return `hub/ must not import ${folder}/`;
  }
  if (under(file, 'channels')) {
    for (const folder of ['hub', 'agent-desk', 'app']) if (under(target, folder)) return `channels/ must not import ${folder}/`;
    const from = channelFolder(file);
    const to = channelFolder(target);
    if (from && to && from !== to && !SHARED_CHANNEL_LIBRARIES.has(to)) return `channels/${from}/ must not import another channel's folder (channels/${to}/)`;
  }
  if (under(file, 'agent-desk') && under(target, 'app')) return 'agent-desk/ must not import app/';
  if (under(file, 'bench') && under(target, 'tests')) return 'bench/ must not import tests/ (shared helpers belong in testkit/)';
  // bench/ imports testkit/, so testkit/ importing tests/ would be bench importing tests/ by another road.
  if (under(file, 'testkit') && under(target, 'tests')) return 'testkit/ must not import tests/ (bench/ uses it)';
  return null;
}

describe('dependency direction', () => {
  const imports = sourceFiles().flatMap(importsOf);

  it('reads the imports it judges (the composition root is seen importing the desk)', () => {
    // If the scan found nothing, every rule below would pass vacuously.
    expect(imports.length).toBeGreaterThan(500);
    expect(imports).toContainEqual(expect.objectContaining({ file: 'app/compose.ts', target: 'agent-desk/server/api.ts' }));
  });

  it('has no import going the wrong way', () => {
    const wrong = imports.flatMap((i) => {
      const why = violation(i);
      return why ? [`${i.file} imports '${i.specifier}': ${why}`] : [];
    });
    expect(wrong).toEqual([]);
  });
});
