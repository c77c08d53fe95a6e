// What customers are told is data, not code (DESIGN.md): each wording file is checked at start, every key
// in it is read by the code that says it, every {placeholder} is filled, and no helpline number (999 above
// all) is written into the hub's or the channels' code, where a change to the data would miss it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadVoiceWording } from '../../channels/voice/wording.ts';
import { Line, placeholdersOf, template, type Template } from '../../channels/wording.ts';
import { loadSafetyWording } from '../../hub/bot/safety.ts';
import { loadBotWording } from '../../hub/bot/wording.ts';
import { loadCustomerWording } from '../../hub/wording.ts';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const json = (file: string) => JSON.parse(read(file)) as Record<string, unknown>;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.name === 'node_modules' || rel === 'hub/generated') continue;
    if (entry.isDirectory()) files.push(...sourceFiles(rel));
    else if (/\.(ts|tsx|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(rel);
  }
  return files;
}

/** Every node of a source file, parsed by TypeScript itself (so comments are never taken for code). */
function nodesOf(file: string, text = read(file)): { source: ts.SourceFile; nodes: ts.Node[] } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const nodes: ts.Node[] = [];
  const visit = (node: ts.Node) => {
    nodes.push(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { source, nodes };
}

/**
 * Each wording file, the code that reads it, and the name that code reads it through. Code reads wording by
 * its whole path from that name (`this.wording.email.thanks`, `CUSTOMER_WORDING.progress.intro`), not through
 * a shorter alias, so an unread key can be found; a map read by a variable key (`status[a.status]`) counts as
 * read whole, its keys being checked by its schema instead.
 */
const FILES = [
  { file: 'channels/voice/wording.json', load: loadVoiceWording, readers: ['channels/voice'], root: 'wording' },
  { file: 'hub/data/bot-wording.json', load: loadBotWording, readers: ['hub/bot'], root: 'wording' },
  { file: 'hub/data/customer-wording.json', load: loadCustomerWording, readers: ['hub', 'agent-desk/server'], root: 'CUSTOMER_WORDING' },
  { file: 'hub/data/safety.json', load: loadSafetyWording, readers: ['hub', 'app'], root: '(?:safety|wording)' },
] as const;

/** Every key path of a wording file ("email.understood"), leaves only; "about" explains the file to its editors. */
function keyPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => (prefix.length === 0 && key === 'about' ? [] : keyPaths(inner, [...prefix, key])));
}

/** The text of every property or element access in these folders, without spaces: `this.wording.email.thanks`. */
function accessesIn(folders: readonly string[]): string {
  const chains: string[] = [];
  for (const file of folders.flatMap((f) => sourceFiles(f))) {
    const { source, nodes } = nodesOf(file);
    for (const node of nodes)
      if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) chains.push(node.getText(source).replace(/\s+/g, ''));
  }
  return chains.join('\n');
}

const isTemplate = (value: unknown): value is Template<string> => typeof value === 'object' && value !== null && 'fill' in value && 'names' in value;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('wording files', () => {
  it.each(FILES)('$file is read and passes its checks', ({ load }) => {
    expect(() => load()).not.toThrow();
  });

  it.each(FILES)('every key of $file is read by the code that says it', ({ file, readers, root }) => {
    const accesses = accessesIn(readers);
    const unread = keyPaths(json(file)).filter((keys) => {
      const whole = new RegExp(`${root}\\.${keys.map(escapeRegExp).join('\\.')}\\b`, 'i');
      // A map read with a variable key: every key under it is read.
      const byVariable = keys.slice(0, -1).some((_, i) =>
        new RegExp(
          `${root}\\.${keys
            .slice(0, i + 1)
            .map(escapeRegExp)
            .join('\\.')}\\[`,
          'i',
        ).test(accesses),
      );
      return !whole.test(accesses) && !byVariable;
    });
    expect(unread.map((k) => k.join('.'))).toEqual([]);
  });

  it.each(FILES)('every {placeholder} in $file is one its code fills, and fills always', ({ load }) => {
    // fill() is typed by a template's names, so TypeScript makes each caller give every one of them.
    const problems: string[] = [];
    const walk = (value: unknown, at: string) => {
      if (typeof value === 'string') {
        if (at !== 'about' && placeholdersOf(value).length) problems.push(`${at}: a plain sentence with {placeholders}`);
      } else if (isTemplate(value)) {
        if ([...new Set(placeholdersOf(value.text))].sort().join() !== [...value.names].sort().join())
          problems.push(`${at}: names ${placeholdersOf(value.text).join()} but is filled with ${value.names.join()}`);
        const filled = value.fill(Object.fromEntries(value.names.map((n) => [n, 'x'])) as Record<string, string>);
        if (/[{}]/.test(filled)) problems.push(`${at}: still has a brace once filled: ${filled}`);
      } else if (typeof value === 'object' && value !== null) {
        for (const [key, inner] of Object.entries(value)) walk(inner, at ? `${at}.${key}` : key);
      }
    };
    walk(load(), '');
    expect(problems).toEqual([]);
  });

  it('a template is filled with every value it names', () => {
    const sentence = template('needs', 'reference').parse('Help with {needs}. Reference {reference}.');
    expect(sentence.fill({ needs: 'food', reference: 'HX7K2M9Q' })).toBe('Help with food. Reference HX7K2M9Q.');
    // TypeScript refuses a missing value; a cast that hides one fails loudly rather than saying "undefined".
    expect(() => sentence.fill({ needs: 'food' } as never)).toThrow(/no value for \{reference\}/);
  });

  it('a wording file with a misspelt, a missing or an unfilled placeholder, or a missing or unknown key, stops the start and names the key', () => {
    const bot = json('hub/data/bot-wording.json');
    const email = bot.email as Record<string, unknown>;
    expect(() => loadBotWording({ ...bot, isThatRight: 'It sounds like you need help with {need}. Is that right?' })).toThrow(
      /hub\/data\/bot-wording\.json: isThatRight: \{need\} is not filled in here \(it takes \{needs\}\); isThatRight: must say \{needs\}/,
    );
    expect(() => loadBotWording({ ...bot, email: { ...email, thanks: 'Thank you, {name}.' } })).toThrow(/email\.thanks: has a \{placeholder\} or brace/);
    const { gotItWrong: _, ...missing } = bot;
    expect(() => loadBotWording(missing)).toThrow(/bot-wording\.json: gotItWrong: /);
    expect(() => loadBotWording({ ...bot, gotItWorng: 'Sorry.' })).toThrow(/bot-wording\.json: .*gotItWorng/);
    expect(() => loadCustomerWording({ ...json('hub/data/customer-wording.json'), closedTeam: { until: 'Closed until {opens}.', closed: 'Closed.' } })).toThrow(
      /customer-wording\.json: closedTeam\.until: must say \{team\}; closedTeam\.until: must say \{hours\}; closedTeam\.closed: must say \{team\}/,
    );
    const voice = json('channels/voice/wording.json');
    expect(() => loadVoiceWording({ ...voice, waitingAt: 'You are number {position} in the queue.' })).toThrow(
      /channels\/voice\/wording\.json: waitingAt: must say \{emergency\}/,
    );
    expect(() => Line.parse('   ')).toThrow();
  });
});

/** Helpline numbers as people write them: 999, the 116 numbers (Samaritans), freephone 0800 and 0808 lines. */
const HELPLINE = /\b999\b|\b116 ?\d{3}\b|\b080[08](?: ?\d){4,7}\b/;

/** The text of every string in a file: quoted strings and every piece of a template literal. */
function stringsOf(file: string, text?: string): { line: number; text: string }[] {
  const { source, nodes } = nodesOf(file, text);
  return nodes
    .filter(
      (n): n is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateLiteralLikeNode =>
        ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateLiteralToken(n),
    )
    .map((n) => ({ line: source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1, text: n.text }));
}

describe('no wording or helpline in code', () => {
  const files = [...sourceFiles('hub'), ...sourceFiles('channels')];

  it('judges strings, in every form, and nothing else', () => {
    // If the scan found no files, or no strings, the checks below would pass vacuously.
    expect(files.length).toBeGreaterThan(100);
    const sample = [
      "const a = 'Samaritans: 116 123';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text of a template literal, for the scanner to read
      'const b = `call ${where} 999 now`;',
      'const c = `and 0808 2000 247`;',
      '// 999 in a comment, and an identifier, are not wording',
      'const told999 = 0.999 > 1;',
    ].join('\n');
    const seen = stringsOf('sample.ts', sample).filter((s) => HELPLINE.test(s.text));
    expect(seen).toEqual([
      { line: 1, text: 'Samaritans: 116 123' },
      { line: 2, text: ' 999 now' },
      { line: 3, text: 'and 0808 2000 247' },
    ]);
  });

  it('no helpline number is written in hub/ or channels/ code (999 lives in the wording files)', () => {
    const found = files.flatMap((file) =>
      stringsOf(file)
        .filter((s) => HELPLINE.test(s.text))
        .map((s) => `${file}:${s.line}: "${s.text}"`),
    );
    expect(found).toEqual([]);
  });

  it('no need is named by its taxonomy code in hub/ or channels/ code (codes are data, loaded at start)', () => {
    const codes = new Set((json('hub/data/needs-taxonomy.json').needs as { code: string }[]).map((n) => n.code));
    const found = files.flatMap((file) =>
      stringsOf(file)
        .filter((s) => codes.has(s.text))
        .map((s) => `${file}:${s.line}: "${s.text}"`),
    );
    expect(found).toEqual([]);
  });
});
