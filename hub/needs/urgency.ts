// Urgency has its own check, separate from the needs model: rules for immediate danger (urgency.json)
// plus the taxonomy's own urgency examples. Tuned for recall: it looks at every piece of a message.
import { expandTerms, type UrgencyRules } from './data.ts';

interface Rule {
  why: string;
  needs: readonly string[];
  pattern: RegExp;
  unless?: RegExp;
}

export interface UrgencyMatch {
  why: string;
  /** Taxonomy codes the rule shows for certain (may be none). */
  needs: readonly string[];
}

/**
 * @param examples the taxonomy's urgency examples, already prepared like the pieces (lower case,
 *   shorthand spelt out) and split into words: a piece holding all of one example's words matches.
 * @returns a check giving every rule that matched any piece (empty: not urgent).
 */
export function compileUrgency(data: UrgencyRules, examples: readonly string[][]): (pieces: readonly string[]) => UrgencyMatch[] {
  const compile = (source: string) => new RegExp(expandTerms(source, data.terms), 'i');
  const rules: Rule[] = data.rules.map((r) => ({ why: r.why, needs: r.needs, pattern: compile(r.pattern), unless: r.unless ? compile(r.unless) : undefined }));
  const wanted = examples.filter((words) => words.length > 0).map((words) => new Set(words));
  return (pieces) => {
    const matched = new Map<Rule | 'example', UrgencyMatch>();
    for (const piece of pieces) {
      for (const rule of rules) if (!matched.has(rule) && rule.pattern.test(piece) && !rule.unless?.test(piece)) matched.set(rule, rule);
      const present = new Set(piece.split(/[^a-z0-9£']+/));
      if (!matched.has('example') && wanted.some((example) => [...example].every((w) => present.has(w)))) {
        matched.set('example', { why: 'like an urgency example in the taxonomy', needs: [] });
      }
    }
    return [...matched.values()];
  };
}
