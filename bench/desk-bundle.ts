// The desk's bundle as browsers get it (agent-desk/server/web-bundle.ts, minified): each script's size and its
// gzip size (zlib's default level, as a server would send it), what a desk loads at start (desk.js and the
// chunks it imports) and what each view loaded on demand adds (its own file and the chunks only it imports).
// `npm run bench:bundle`; the figures go in bench/README.md ("The desk's bundle").
import { gzipSync } from 'node:zlib';
import { buildDeskBundle, DESK_ENTRY } from '../agent-desk/server/web-bundle.ts';

const { files } = await buildDeskBundle();
const scripts = [...files.keys()].filter((name) => name.endsWith('.js'));
/** What a script imports before it runs (import … from "./x.js"), and what it loads on demand (import("./x.js")). */
const imports = (name: string) => {
  const text = files.get(name)!.toString();
  return {
    static: [...text.matchAll(/(?:from\s*|import\s*)"\.\/([^"]+\.js)"/g)].map((m) => m[1]!),
    dynamic: [...text.matchAll(/import\(\s*"\.\/([^"]+\.js)"\s*\)/g)].map((m) => m[1]!),
  };
};
/** A script and everything it imports statically, however deep. */
function closure(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const next of imports(name).static) closure(next, seen);
  return seen;
}
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const size = (names: Iterable<string>) => {
  let raw = 0;
  let gzip = 0;
  for (const name of names) {
    raw += files.get(name)!.length;
    gzip += gzipSync(files.get(name)!).length;
  }
  return `${kB(raw)} minified, ${kB(gzip)} gzip`;
};

for (const name of scripts) console.log(`${name.padEnd(28)} ${size([name])}`);
const atStart = closure(DESK_ENTRY);
console.log(`\nat start (${[...atStart].join(' + ')}): ${size(atStart)}`);
for (const lazy of new Set(scripts.flatMap((name) => imports(name).dynamic))) {
  const added = [...closure(lazy)].filter((name) => !atStart.has(name));
  console.log(`on demand, ${lazy} (${added.join(' + ')}): ${size(added)}`);
}
