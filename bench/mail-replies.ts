// How well visibleText (quoted history and signatures removed) does on published reply-parsing fixtures:
// tests/fixtures/reply-parsing/cases.json, reshaped from github/email_reply_parser, mailgun/talon and
// crisp-oss/email-reply-parser (see its "about"). Compares with whitespace collapsed; prints passed/total per set.
// `npx tsx bench/mail-replies.ts` for the counts, `--failures` to list what failed.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { visibleText } from '../channels/email/normalise.ts';

const Case = z
  .object({
    set: z.string().min(1),
    name: z.string().min(1),
    source: z.string().min(1),
    text: z.string(),
    expected: z.string().optional(),
    expectedStart: z.string().min(1).optional(),
    expectedEnd: z.string().min(1).optional(),
    note: z.string().optional(),
  })
  .refine((c) => (c.expected !== undefined) !== (c.expectedStart !== undefined || c.expectedEnd !== undefined), {
    message: 'a case has either "expected" or "expectedStart"/"expectedEnd"',
  });
const Cases = z.object({ about: z.string().min(1), cases: z.array(Case).min(1) });
type Case = z.infer<typeof Case>;

const file = new URL('../tests/fixtures/reply-parsing/cases.json', import.meta.url);
const { cases } = Cases.parse(JSON.parse(readFileSync(file, 'utf8')));
const showFailures = process.argv.slice(2).includes('--failures');

/** Runs of whitespace collapsed to one space, ends trimmed. */
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

function passes(c: Case, got: string): boolean {
  const g = norm(got);
  if (c.expected !== undefined) return g === norm(c.expected);
  return (c.expectedStart === undefined || g.startsWith(norm(c.expectedStart))) && (c.expectedEnd === undefined || g.endsWith(norm(c.expectedEnd)));
}

/** When the output has the expected reply and more after it, that extra text (what was not cut). */
function keptAfter(c: Case, g: string): string | undefined {
  const end = norm(c.expected ?? c.expectedEnd ?? '');
  if (c.expected !== undefined && g.startsWith(end) && g.length > end.length) return g.slice(end.length).trim();
  if (c.expectedEnd !== undefined && end && g.includes(end) && !g.endsWith(end)) return g.slice(g.indexOf(end) + end.length).trim();
  return undefined;
}

const clip = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n)}…` : s);
const shown = (s: string) => JSON.stringify(clip(s));

const bySet = new Map<string, { passed: number; total: number; failures: { c: Case; got: string }[] }>();
for (const c of cases) {
  let got: string;
  try {
    got = visibleText(c.text);
  } catch (error) {
    got = `(threw: ${error instanceof Error ? error.message : String(error)})`;
  }
  const row = bySet.get(c.set) ?? { passed: 0, total: 0, failures: [] };
  row.total++;
  if (passes(c, got)) row.passed++;
  else row.failures.push({ c, got });
  bySet.set(c.set, row);
}

let passed = 0;
for (const [set, row] of bySet) {
  passed += row.passed;
  console.log(`${set.padEnd(28)} ${String(row.passed).padStart(3)}/${String(row.total).padEnd(3)} (${((100 * row.passed) / row.total).toFixed(0)}%)`);
}
console.log(`${'all'.padEnd(28)} ${String(passed).padStart(3)}/${String(cases.length).padEnd(3)} (${((100 * passed) / cases.length).toFixed(0)}%)`);

if (showFailures) {
  for (const [set, row] of bySet) {
    if (!row.failures.length) continue;
    console.log(`\n== ${set}: ${row.failures.length} failing`);
    for (const { c, got } of row.failures) {
      console.log(`\n- ${c.name}  [${c.source}]`);
      if (c.expected !== undefined) console.log(`  expected: ${shown(norm(c.expected))}`);
      else console.log(`  expected: starts ${shown(norm(c.expectedStart ?? ''))}, ends ${shown(norm(c.expectedEnd ?? ''))}`);
      console.log(`  got:      ${shown(norm(got))}`);
      const extra = keptAfter(c, norm(got));
      if (extra) console.log(`  kept after the expected reply: ${shown(extra)}`);
      console.log(`  text:     ${shown(c.text)}`);
      if (c.note) console.log(`  note:     ${c.note}`);
    }
  }
}
