// What the bot knows: how to find needs in words (the detector), the taxonomy's labels, which needs go
// together and which facts each need's service asks for (related-needs.json, checked against the taxonomy).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Pattern } from '../needs/data.ts';
import { loadSafetyWording, type SafetyWording } from './safety.ts';
import { loadBotWording, type BotWording } from './wording.ts';

export interface Detection {
  needs: { code: string; label: string; confidence: number }[];
  urgent: boolean;
  /** A sign of possible danger that is not plainly urgent: ask whether the person is safe right now. */
  safetyQuestion?: boolean;
  /** The kinds of danger seen or feared, which decide the emergency advice. */
  danger?: string[];
}

export interface NeedsKnowledge {
  detect(text: string): Detection;
  label(code: string): string;
  /** How the bot names a need to a customer: plain words that follow "help with". */
  say(code: string): string;
  /** Met by one straightforward transaction with one service (a missed bin, council tax): no related needs to explore. */
  isSimple(code: string): boolean;
  /**
   * A report about a place (a missed bin, a pothole), not about the person's circumstances: the report itself
   * is the request to its service, so it goes on without the consent question. Every other need waits for a yes.
   */
  isPlaceReport(code: string): boolean;
  /** Needs that commonly come with this one, most likely first. */
  related(code: string): string[];
  /** Keys of the facts this need's service asks for. */
  facts(code: string): string[];
  /** The facts the services of these needs ask for that are not given yet, in the order they are asked. */
  factsStillToAsk(codes: readonly string[], given: Readonly<Record<string, string>>): string[];
  /** The question that asks for a fact. */
  factQuestion(key: string): string;
  /** A fact's name as a service reads it ("Deadline"). */
  factLabel(key: string): string;
  /** The facts a message already gives, in the customer's own words (the sentence that gives each). */
  factsIn(text: string): Record<string, string>;
  /** The safety question and the emergency advice for each kind of danger. */
  safety: SafetyWording;
  /** Everything else the bot says (hub/data/bot-wording.json). */
  wording: BotWording;
}

const RelatedNeeds = z.object({
  say: z.record(z.string(), z.string().min(2)).default({}),
  facts: z.record(z.string(), z.string().min(5)),
  /** Short names for the facts, for the services that read them. */
  factLabels: z.record(z.string(), z.string().min(2)).default({}),
  /** Finds a fact already given in the customer's own words, so it is not asked again. */
  factCues: z.record(z.string(), Pattern).default({}),
  /** Needs that are reports about a place, handed on without asking consent; declared, never inferred. */
  placeReports: z.array(z.string()).default([]),
  needs: z.record(z.string(), z.object({ related: z.array(z.string()), facts: z.array(z.string()) })),
});

export const RELATED_NEEDS_PATH = new URL('./related-needs.json', import.meta.url);

/** The fact asked of a customer the teams could not otherwise contact once the conversation ends. */
export const CONTACT_FACT = 'contact';

export function buildKnowledge(input: {
  detect: (text: string) => Detection;
  taxonomy: { code: string; label: string; simple?: boolean }[];
  relatedNeeds?: unknown;
  safety?: SafetyWording;
  wording?: BotWording;
}): NeedsKnowledge {
  const data = RelatedNeeds.parse(input.relatedNeeds ?? JSON.parse(readFileSync(RELATED_NEEDS_PATH, 'utf8')));
  const byCode = new Map(input.taxonomy.map((n) => [n.code, n]));
  // Unknown codes or fact keys are a data error: refuse at start, never at a customer's turn.
  for (const [code, entry] of Object.entries(data.needs)) {
    for (const c of [code, ...entry.related]) if (!byCode.has(c)) throw new Error(`related-needs.json: "${c}" is not a code in the needs taxonomy`);
    for (const f of entry.facts) if (!data.facts[f]) throw new Error(`related-needs.json: fact "${f}" (for ${code}) has no question`);
  }
  for (const key of Object.keys(data.factLabels)) if (!data.facts[key]) throw new Error(`related-needs.json: "${key}" (under factLabels) is not a fact`);
  for (const key of Object.keys(data.factCues)) if (!data.facts[key]) throw new Error(`related-needs.json: "${key}" (under factCues) is not a fact`);
  const cues = Object.entries(data.factCues).map(([key, source]) => [key, new RegExp(source, 'i')] as const);
  for (const code of Object.keys(data.say))
    if (!byCode.has(code)) throw new Error(`related-needs.json: "${code}" (under say) is not a code in the needs taxonomy`);
  for (const code of data.placeReports)
    if (!byCode.has(code)) throw new Error(`related-needs.json: "${code}" (under placeReports) is not a code in the needs taxonomy`);
  const placeReports = new Set(data.placeReports);
  if (!data.facts[CONTACT_FACT])
    throw new Error(`related-needs.json: the fact "${CONTACT_FACT}" (how the teams can contact a customer they cannot otherwise reach) has no question`);
  return {
    detect: input.detect,
    label: (code) => byCode.get(code)?.label ?? code,
    // A need without plain words of its own falls back to the taxonomy's label.
    say: (code) => data.say[code] ?? (byCode.get(code)?.label ?? code).toLowerCase(),
    isSimple: (code) => byCode.get(code)?.simple === true,
    isPlaceReport: (code) => placeReports.has(code),
    related: (code) => data.needs[code]?.related ?? [],
    facts: (code) => data.needs[code]?.facts ?? [],
    // In the order related-needs.json lists the facts (the bot asks only the first few), not the needs' order,
    // which the conversation's stored state does not keep.
    factsStillToAsk: (codes, given) => {
      const wanted = new Set(codes.flatMap((c) => data.needs[c]?.facts ?? []));
      return Object.keys(data.facts).filter((k) => wanted.has(k) && !(k in given));
    },
    factQuestion: (key) => data.facts[key] ?? key,
    factLabel: (key) => data.factLabels[key] ?? key,
    factsIn: (text) => {
      const found: Record<string, string> = {};
      for (const [key, cue] of cues) {
        // The sentence that says it, as they said it: the service reads their words, not our summary.
        const sentence = text.split(/(?<=[.!?])\s+|\n+/).find((s) => cue.test(s));
        if (sentence) found[key] = sentence.trim().slice(0, 300);
      }
      return found;
    },
    safety: input.safety ?? loadSafetyWording(),
    wording: input.wording ?? loadBotWording(),
  };
}
