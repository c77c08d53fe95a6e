// Urgency has its own check, separate from the needs model: rules for immediate danger (urgency.json)
// plus the taxonomy's own urgency examples. Tuned for recall: it looks at every piece of a message.
import { expandTerms, type DangerKind, type UrgencyRules } from './data.ts';

interface Rule {
  why: string;
  kind: DangerKind | null;
  needs: readonly string[];
  pattern: RegExp;
  unless?: RegExp;
}

export interface UrgencyMatch {
  why: string;
  /** The kind of danger (null: like a taxonomy example, kind not known). */
  kind: DangerKind | null;
  /** Taxonomy codes the rule shows for certain (may be none). */
  needs: readonly string[];
}

/** Each rule or signal with its patterns compiled, {{terms}} expanded. */
function compileRules(list: UrgencyRules['rules'], terms: UrgencyRules['terms']): Rule[] {
  const compile = (source: string) => new RegExp(expandTerms(source, terms), 'i');
  return list.map((r) => ({ why: r.why, kind: r.kind, needs: r.needs, pattern: compile(r.pattern), unless: r.unless ? compile(r.unless) : undefined }));
}

const matches = (rule: Rule, piece: string) => rule.pattern.test(piece) && !rule.unless?.test(piece);

/** The risk signals: the same matching as the rules, each giving its kind of danger. */
export function compileSignals(data: UrgencyRules): (pieces: readonly string[]) => UrgencyMatch[] {
  const signals = compileRules(data.signals, data.terms);
  return (pieces) => {
    const matched = new Set<Rule>();
    for (const piece of pieces) for (const s of signals) if (!matched.has(s) && matches(s, piece)) matched.add(s);
    return [...matched].map(({ why, kind, needs }) => ({ why, kind, needs }));
  };
}

/**
 * @param examples the taxonomy's urgency examples, already prepared like the pieces (lower case,
 *   shorthand spelt out) and split into words: a piece holding all of one example's words matches.
 * @returns a check giving every rule that matched any piece (empty: not urgent).
 */
export function compileUrgency(data: UrgencyRules, examples: readonly string[][]): (pieces: readonly string[]) => UrgencyMatch[] {
  const rules = compileRules(data.rules, data.terms);
  const wanted = examples.filter((words) => words.length > 0).map((words) => new Set(words));
  return (pieces) => {
    const matched = new Map<Rule | 'example', UrgencyMatch>();
    for (const piece of pieces) {
      for (const rule of rules) if (!matched.has(rule) && matches(rule, piece)) matched.set(rule, { why: rule.why, kind: rule.kind, needs: rule.needs });
      const present = new Set(piece.split(/[^a-z0-9£']+/));
      if (!matched.has('example') && wanted.some((example) => [...example].every((w) => present.has(w)))) {
        matched.set('example', { why: 'like an urgency example in the taxonomy', kind: null, needs: [] });
      }
    }
    return [...matched.values()];
  };
}
