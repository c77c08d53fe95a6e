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

// DESIGN.md: the hub asks a channel's capabilities (channels/registry.ts capabilitiesOf), never which kind it is.
// So hub/ and agent-desk/ (server and web) compare no channel kind: no `channel === 'voice'`, no `case 'sms':`,
// no `.includes('email')`, no Prisma filter `channel: 'voice'`, no `'voice'` in SQL, no `adapters.sms`. 'email' is also an address
// kind and a hand-off target: it counts only beside something named channel.

/** Files being rewritten as this rule came in (their kind checks are to become capability questions): remove each once it asks capabilities. */
const KIND_CHECKS_EXEMPT = new Set<string>([]);

const ONLY_CHANNEL_KINDS = new Set(['sms', 'voice', 'webchat', 'whatsapp', 'botframework']);
const namesChannel = (text: string) => /channel/i.test(text);
/** Whether a literal names a channel kind here: always for the kinds that are only channels; 'email' when `beside` names a channel. */
const isKindLiteral = (literal: string, beside: string) => ONLY_CHANNEL_KINDS.has(literal) || (literal === 'email' && namesChannel(beside));
const QUOTED_KIND = /'(sms|voice|webchat|whatsapp|botframework|email)'/g;

/** The kind checks in one file's source, each as "line: code". */
function kindChecks(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const flag = (node: ts.Node) =>
    found.push(`${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}: ${node.getText(sf).replace(/\s+/g, ' ').slice(0, 120)}`);
  const literal = (node: ts.Node) => (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : null);
  const COMPARE = new Set([
    ts.SyntaxKind.EqualsEqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsEqualsToken,
    ts.SyntaxKind.EqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsToken,
  ]);
  const visit = (node: ts.Node) => {
    if (ts.isBinaryExpression(node) && COMPARE.has(node.operatorToken.kind)) {
      for (const [a, b] of [
        [node.left, node.right],
        [node.right, node.left],
      ] as const) {
        const text = literal(a);
        if (text !== null && isKindLiteral(text, b.getText(sf))) flag(node);
      }
    } else if (ts.isCaseClause(node)) {
      const text = literal(node.expression);
      if (text !== null && isKindLiteral(text, (node.parent.parent as ts.SwitchStatement).expression.getText(sf))) flag(node.expression);
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['includes', 'has', 'indexOf'].includes(node.expression.name.text)
    ) {
      const text = node.arguments[0] && literal(node.arguments[0]);
      if (text && isKindLiteral(text, node.expression.expression.getText(sf))) flag(node);
    } else if (
      ts.isPropertyAccessExpression(node) &&
      /adapters|channelModules/i.test(node.expression.getText(sf)) &&
      isKindLiteral(node.name.text, 'channel')
    ) {
      // One channel's adapter picked by name (adapters.voice).
      flag(node);
    } else if (ts.isPropertyAssignment(node) && namesChannel(node.name.getText(sf))) {
      const text = literal(node.initializer);
      if (text && isKindLiteral(text, 'channel')) flag(node);
    } else if (
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node) ||
      (ts.isNoSubstitutionTemplateLiteral(node) && ts.isTaggedTemplateExpression(node.parent))
    ) {
      // SQL: a quoted kind, e.g. c.channel <> 'voice'.
      for (const match of node.text.matchAll(QUOTED_KIND)) if (isKindLiteral(match[1]!, node.text)) flag(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('the hub asks capabilities, never channel kinds', () => {
  const files = sourceFiles().filter((f) => (under(f, 'hub') || under(f, 'agent-desk')) && /\.tsx?$/.test(f));
  const checks = new Map(files.map((file) => [file, kindChecks(file, readFileSync(path.join(root, file), 'utf8'))]));

  it('recognises a kind check in each form, and not an address kind or hand-off target', () => {
    const snippet = [
      "if (message.channel === 'voice') go();",
      "if ('sms' !== kind) go();",
      "switch (conversation.channel) { case 'email': break; }",
      "if (botChannels.includes('webchat')) go();",
      "db.message.findMany({ where: { channel: 'whatsapp' } });",
      "sql`SELECT 1 WHERE c.channel <> 'botframework'`;",
      'const sender = deps.adapters.sms;',
      // Not channel kinds: an address kind, a hand-off target, a capability question.
      "if (kind === 'email') go(); switch (handoff.kind) { case 'email': break; } if (capabilitiesOf(c.channel).speaks) go();",
    ].join('\n');
    expect(kindChecks('snippet.ts', snippet).map((c) => c.split(':')[0])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('finds none in hub/ or agent-desk/ outside the files being rewritten', () => {
    expect(files.length).toBeGreaterThan(100);
    const left = [...checks]
      .filter(([file, found]) => found.length && !KIND_CHECKS_EXEMPT.has(file))
      .flatMap(([file, found]) => found.map((c) => `${file}:${c}`));
    expect(left).toEqual([]);
  });
});
