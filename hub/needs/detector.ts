// Needs detection: which taxonomy needs a message speaks of, and whether it shows immediate danger.
// The model is logistic regression (logistic.ts, one output per need) over Snowball stems and stem pairs, trained
// from the taxonomy's examples, training.json and the labelled messages in hub/needs/labelled/ (whole messages
// with all their needs), and kept by the hash of what it learnt from (model-store.ts).
// After that, detect() is pure and synchronous: no I/O, no network, nothing kept between calls.
//
// Several needs in one message: the text is cut into sentences and clauses (text.ts) and each piece is
// scored on its own; a need's confidence is its best score over the pieces. Because each need has its
// own output, scores are independent (one-vs-rest), not shares of one total.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { StemmerEn } from '@nlpjs/lang-en-min';
import type { DangerKind, NeedsData } from './data.ts';
import { dropDisfluencies, expandShorthand, normalise, pieces, stripEmailFurniture, words } from './text.ts';
import { DANGER_TRAINING, dangerExamples, dangerModelFrom, dangerNow, trainDangerModel } from './danger.ts';
import { logisticFrom, trainLogistic, type LogisticItem, type LogisticSettings } from './logistic.ts';
import { buildNeighbours } from './neighbours.ts';
import { compileSignals, compileUrgency } from './urgency.ts';

export interface DetectedNeed {
  code: string;
  label: string;
  /** The model's score for the best-matching piece of the message, 0–1. */
  confidence: number;
}

export interface Detection {
  needs: DetectedNeed[];
  urgent: boolean;
  /**
   * Not urgent, but a sign of possible danger (a threat, someone outside, goodbye words, a symptom, a child
   * alone, gas), a disclosure such as abuse, or the model half-seeing one: ask "are you safe right now?" first.
   */
  safetyQuestion: boolean;
  /** The kinds of danger seen (urgent) or feared (safety question), which decide the emergency advice. */
  danger: DangerKind[];
}

/**
 * What the CLI and the API print: needs and urgent always; safetyQuestion only when the bot would ask
 * whether the person is safe now, and the kinds of danger only when there are some.
 */
export function detectionView(d: Detection): { needs: DetectedNeed[]; urgent: boolean; safetyQuestion?: true; danger?: DangerKind[] } {
  return { needs: d.needs, urgent: d.urgent, ...(d.safetyQuestion ? { safetyQuestion: true as const } : {}), ...(d.danger.length ? { danger: d.danger } : {}) };
}

export interface NeedsDetector {
  detect(text: string): Detection;
  /** Why the message was judged urgent (for tuning and tests): the reasons of the rules that matched. */
  urgentBecause(text: string): string[];
  /** The risk signals that matched, and the danger-now model's words when it would ask (for tuning and tests). */
  riskBecause(text: string): string[];
  /** The danger-now model's score for the message, 0–1 (for tuning and the bench). */
  dangerScore(text: string): number;
  /** Each piece the message was cut into, with the needs scoring at least 0.2 on it (for tuning). */
  explain(text: string): { piece: string; scores: Record<string, number> }[];
  /** A message as the rules and models read it: lower case, shorthand spelt out, email furniture gone. */
  prepare(text: string): string;
  /** How long building the model took, in milliseconds. */
  readonly buildMs: number;
  /** Whether the trained weights (the needs model's and the danger-now model's) all came from the store, or some were trained now. */
  readonly trained: 'stored' | 'now';
  /** Whether the training messages as the model reads them (features, stems) came from the store, or were read now. */
  readonly corpus: 'stored' | 'now';
}

export interface DetectorOptions {
  /** A need is reported when a piece of the message scores it at least this: default 0.7. */
  threshold?: number;
  /** Where a trained model is kept between starts, by the hash of what it was trained on (model-store.ts). */
  store?: TrainedModelStore;
  /** How many of the most similar labelled messages vote on the needs (neighbours.ts): default 20; 0 turns voting off. */
  neighbours?: number;
  /** A need the model did not report is added when it has this share of the neighbours' votes: default 0.4. */
  neighbourFrom?: number;
  /**
   * …or when it has this smaller share (default 0.25) and the model gave it at least agreeFrom (default 0.3) on
   * some piece: two weak signs that agree.
   */
  agreeVote?: number;
  agreeFrom?: number;
  /** A need the model reported below this score is dropped when no neighbour has it: default 0.9. */
  keepFrom?: number;
  /** A message no neighbours vote on (a short one) has its best need reported from this lower score: default 0.35. */
  shortFrom?: number;
  /**
   * Messages with fewer features than this (stems and stem pairs; about eight words that carry meaning) get no
   * votes: default 16. A short message's nearest ones are near by chance, and the model reads short ones well.
   */
  neighbourMinFeatures?: number;
}

/** How the needs model is trained (part of the key its kept weights are found by). */
const NEEDS_TRAINING: LogisticSettings = { minCount: 1, l2: 1, iterations: 200, rate: 0.05, prune: 0.03 };

/**
 * Trained weights kept by a key: the hash of the training corpus as the model reads it (features, not source
 * text) and the trainer's settings, so any change to the data or to how messages are read trains afresh. The
 * corpus as read is kept too, by the hash of the data and of the code that reads it (readingCode).
 */
export interface TrainedModelStore {
  load(key: string): unknown;
  save(key: string, model: unknown): void;
}

/** Words too common in every kind of message to say anything about a need on their own. */
const STOPWORDS = new Set(
  (
    'a an the and or but to of in on at for from by with about as into onto than then so if that this these those it its ' +
    'i me my myself we us our you your he him his she her they them their is am are was were be been being do does did ' +
    'have has had will would shall should can could may might must just also really very some any there here what which ' +
    'who whom when where how um er erm uh like yeah ok okay please hi hello hiya thanks thank dear well right basically actually get got'
  ).split(' '),
);

/** Words left out when a piece is matched against the taxonomy's urgency examples. */
const EXAMPLE_STOPWORDS = new Set(['a', 'an', 'the', 'i', 'am', 'is', 'are', 'to', 'be', 'it']);

/** Words that carry a need only together with a neighbour ("no food"), kept for pairs but not alone. */
const PAIR_ONLY = new Set(['not', 'no', 'never', 'nothing', 'without', 'anymore', 'any more']);

/** Labelled messages up to this many words train the needs model whole. */
const WHOLE_MESSAGE_WORDS = 100;

/** Shorter words are too often other real words to be treated as typos. */
const MIN_TYPO_LENGTH = 7;

/** Finds a known word one edit away (typos such as "colected", "evicion"), for words long enough to judge. */
function spellingIndex(vocabulary: Iterable<string>) {
  const byDeletion = new Map<string, string>();
  const known = new Set<string>();
  const deletions = (word: string) => Array.from(word, (_, i) => word.slice(0, i) + word.slice(i + 1));
  for (const word of vocabulary) {
    known.add(word);
    if (word.length < MIN_TYPO_LENGTH - 1) continue;
    for (const d of [word, ...deletions(word)]) if (!byDeletion.has(d)) byDeletion.set(d, word);
  }
  return (word: string): string => {
    if (known.has(word) || word.length < MIN_TYPO_LENGTH || /\d/.test(word)) return word;
    // Insertion (the typo has an extra letter), deletion, substitution and swap all meet in one deletion.
    // The first two letters must agree: people rarely mistype the start, and real words one letter
    // apart usually differ there ("waking" is not a typo of "walking", but neither is caught then).
    for (const d of [word, ...deletions(word)]) {
      const hit = byDeletion.get(d);
      if (hit && Math.abs(hit.length - word.length) <= 1 && hit.slice(0, 2) === word.slice(0, 2)) return hit;
    }
    return word;
  };
}

/**
 * A model kept in the store under the hash of what it is trained from (its inputs and settings), or trained now
 * and kept. read turns what the store gives back into a model, or undefined for a damaged file.
 */
function keptOrTrained<M extends { toJSON(): unknown }>(
  store: TrainedModelStore | undefined,
  key: string,
  read: (saved: unknown) => M | undefined,
  train: () => M,
): { model: M; kept: boolean } {
  const kept = read(store?.load(key));
  if (kept) return { model: kept, kept: true };
  const model = train();
  store?.save(key, model.toJSON());
  return { model, kept: false };
}

/** A store key: the name, and the hash of what the thing kept was made from. */
const keyOf = (name: string, inputs: unknown) => `${name}-${createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 32)}`;

/**
 * The hash of the code that reads messages into features: this folder's sources and the stemmer's version. A
 * change to either reads the corpus again. Null when the sources cannot be read (then nothing is kept).
 */
let readingCodeHash: string | null | undefined;
function readingCode(): string | null {
  if (readingCodeHash !== undefined) return readingCodeHash;
  try {
    const hash = createHash('sha256');
    for (const name of readdirSync(import.meta.dirname)
      .filter((n) => n.endsWith('.ts'))
      .sort())
      hash
        .update(`${name}\0`)
        .update(readFileSync(path.join(import.meta.dirname, name)))
        .update('\0');
    hash.update(createRequire(import.meta.url)('@nlpjs/lang-en-min/package.json').version);
    readingCodeHash = hash.digest('hex');
  } catch {
    readingCodeHash = null;
  }
  return readingCodeHash;
}

/**
 * The training messages as the models read them: preparing and reading 10,000 of them into features is most of
 * building a detector whose weights are kept, so it is kept too. Every feature weighs 1, so each is a list.
 */
interface ReadCorpus {
  /** Each labelled message prepared (normalised, shorthand spelt out), in the data's order. */
  labelled: string[];
  /** What the needs model learns from, in order: each item's features and the needs it teaches. */
  items: { features: string[]; labels: string[] }[];
  /** Each labelled message's features for the neighbours: the index of its corpus item, or its own (a long one). */
  neighbours: (number | string[])[];
  /** Every word of the training messages: what spelling correction corrects to. */
  vocabulary: string[];
  /** The stemmer's memo after reading them: the stems detection reuses. */
  stems: Record<string, string>;
  /** The key the needs model's weights are kept under (the hash of its corpus, settings and codes). */
  needsKey: string;
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** A kept corpus, or undefined for a file that is not one (damaged, or from another version). */
function readCorpusFrom(saved: unknown, data: NeedsData): ReadCorpus | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const c = saved as Partial<ReadCorpus>;
  const ok =
    isStrings(c.labelled) &&
    c.labelled.length === data.labelled.length &&
    Array.isArray(c.items) &&
    c.items.every((i) => typeof i === 'object' && i !== null && isStrings(i.features) && isStrings(i.labels)) &&
    Array.isArray(c.neighbours) &&
    c.neighbours.length === data.labelled.length &&
    c.neighbours.every((n) => (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < c.items!.length) || isStrings(n)) &&
    isStrings(c.vocabulary) &&
    typeof c.stems === 'object' &&
    c.stems !== null &&
    Object.values(c.stems).every((v) => typeof v === 'string') &&
    typeof c.needsKey === 'string';
  return ok ? (c as ReadCorpus) : undefined;
}

const weighOne = (features: readonly string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const f of features) out[f] = 1;
  return out;
};

export function buildDetector(data: NeedsData, options: DetectorOptions = {}): NeedsDetector {
  const started = performance.now();
  const threshold = options.threshold ?? 0.7;
  const shorthand = new Map(Object.entries(data.language.shorthand));
  const labels = new Map(data.taxonomy.needs.map((n) => [n.code, n.label]));
  const codes = data.taxonomy.needs.map((n) => n.code);
  const stemmer = new StemmerEn();

  /** Lower case, shorthand spelt out, email furniture gone: the form both rules and model read. */
  const prepare = (text: string) => dropDisfluencies(expandShorthand(normalise(stripEmailFurniture(text)), shorthand));

  const synonym = new Map<string, string>();
  for (const [canonical, variants] of Object.entries(data.language.synonyms)) for (const v of variants) synonym.set(v, canonical);
  // A negation cancels the rest of its clause: up to punctuation or a word that turns the sentence round.
  const negated = data.language.negations.length
    ? new RegExp(
        `\\b(?:${data.language.negations.join('|')})[^,.;:!?]*?(?=\\s+(?:but|just|only|however|instead|rather|although|though|except|i need|we need)\\b|[,.;:!?]|$)`,
        'gi',
      )
    : undefined;

  let correct = (word: string) => word;
  // While training, the stemmer memoises freely; after it, only the training vocabulary's stems are kept, so
  // nothing from a customer's message outlives the call and the memo cannot grow without end.
  let stem = (word: string) => stemmer.stemWord(word);
  const features = (piece: string): Record<string, number> => {
    const stems = words(negated ? piece.replace(negated, ' ') : piece)
      .map((w) => w.replace(/'s$/, '').replace(/'/g, ''))
      .filter((w) => w && !STOPWORDS.has(w) && !/^\d+$/.test(w))
      .map((w) => correct(w))
      .map((w) => stem(synonym.get(w) ?? w));
    const out: Record<string, number> = {};
    for (let i = 0; i < stems.length; i++) {
      if (!PAIR_ONLY.has(stems[i]!)) out[stems[i]!] = 1;
      if (i + 1 < stems.length) out[`${stems[i]} ${stems[i + 1]}`] = 1;
    }
    return out;
  };

  /** Stems from the corpus's memo, else stemmed now without keeping: nothing from a customer's message outlives the call. */
  const stemFrom = (known: Readonly<Record<string, string>>) => (word: string) => {
    const hit = known[`.${word}`];
    if (hit !== undefined) return hit;
    const result = stemmer.stemWord(word);
    delete (stemmer.cache as Record<string, string>)[`.${word}`];
    return result;
  };

  /** Reads the training messages into what the models learn from (about 1 s of a 1.5 s build with kept weights). */
  const readCorpus = (): ReadCorpus => {
    // The labelled messages train the needs model, train the danger-now model and vote as neighbours: each is
    // prepared once for all three.
    const labelled = data.labelled.map((c) => prepare(c.text));
    const preparedOf = new Map(data.labelled.map((c, i) => [c.text, labelled[i]!]));
    // Training corpus: one item per utterance; "none" items teach every need's output to stay quiet.
    const items: LogisticItem[] = [];
    const vocabulary = new Set<string>();
    // A labelled message's corpus item: the neighbours' index reuses its features.
    const itemOf = new Map<string, number>();
    const add = (utterance: string, needs: readonly string[]) => {
      const prepared = preparedOf.get(utterance) ?? prepare(utterance);
      for (const w of words(prepared)) vocabulary.add(w.replace(/'/g, ''));
      items.push({ features: features(prepared), labels: needs });
      return items.length - 1;
    };
    for (const need of data.taxonomy.needs) {
      for (const example of need.examples) add(example, [need.code]);
      for (const utterance of data.training.needs[need.code] ?? []) add(utterance, [need.code]);
    }
    for (const utterance of data.training.none) add(utterance, []);
    // Whole labelled messages, each with every need it has: they teach which words mark a need the person has
    // now and which are only context (a condition, a past event, thanks), which one-need phrases cannot.
    // On blind sets never trained on this raised precision 0.73 → 0.79 at the same recall. A long email's words
    // are too many to say which carries which need: left out.
    for (const c of data.labelled) if (words(c.text).length <= WHOLE_MESSAGE_WORDS) itemOf.set(c.text, add(c.text, c.needs));
    const needsKey = keyOf('needs', { settings: NEEDS_TRAINING, codes, corpus: items });
    const stems = { ...(stemmer.cache as Record<string, string>) };
    // Every labelled message votes, long ones too: similarity needs no training. A long one is read as a
    // customer's message is, with spelling corrected to the corpus's words. The corpus's words are the
    // vocabulary, and correction changes only words it does not know, so a message the corpus holds reads as
    // the corpus has it.
    correct = spellingIndex(vocabulary);
    stem = stemFrom(stems);
    const neighbours = data.labelled.map((c, i) => itemOf.get(c.text) ?? Object.keys(features(labelled[i]!)));
    return {
      labelled,
      items: items.map((item) => ({ features: Object.keys(item.features), labels: [...item.labels] })),
      neighbours,
      vocabulary: [...vocabulary],
      stems,
      needsKey,
    };
  };

  // Kept by the hash of the code that reads it and of the data it reads: the messages, their needs, and the
  // language it is read with. Not the urgency rules or the neutral kinds, which read messages at detection only:
  // a change to them (or a detector built with other ones, as tests do) finds the same corpus. Reading anything
  // else in the data above means adding it here.
  const code = options.store ? readingCode() : null;
  const language = { shorthand: data.language.shorthand, synonyms: data.language.synonyms, negations: data.language.negations };
  const reads = { needs: data.taxonomy.needs, training: data.training, language, labelled: data.labelled };
  const corpusKey = code ? keyOf('corpus', { code, reads }) : undefined;
  const keptCorpus = corpusKey ? readCorpusFrom(options.store!.load(corpusKey), data) : undefined;
  const read = keptCorpus ?? readCorpus();
  if (!keptCorpus && corpusKey) options.store!.save(corpusKey, read);

  const preparedLabelled = new Map(data.labelled.map((c, i) => [c.text, read.labelled[i]!]));
  const prepareOnce = (text: string) => preparedLabelled.get(text) ?? prepare(text);
  correct = spellingIndex(read.vocabulary);
  // While reading the corpus the stemmer memoised freely; from here on only the corpus's stems are kept, so
  // nothing from a customer's message outlives the call and the memo cannot grow without end.
  stem = stemFrom(read.stems);

  // Which features each need was trained on: a need scores only on a piece sharing one, so a need's bias alone
  // never reports it.
  const featuresOf = new Map<string, Set<string>>();
  for (const item of read.items) {
    for (const code of item.labels) {
      const set = featuresOf.get(code) ?? new Set<string>();
      for (const f of item.features) set.add(f);
      featuresOf.set(code, set);
    }
  }

  // Training is most of the build (several seconds) and deterministic: the same corpus gives the same weights.
  // The corpus as the trainer takes it is made only to train: with kept weights it is not needed.
  const { model, kept: needsKept } = keptOrTrained(options.store, read.needsKey, logisticFrom, () =>
    trainLogistic(
      read.items.map((item) => ({ features: weighOne(item.features), labels: item.labels })),
      codes,
      NEEDS_TRAINING,
    ),
  );
  const urgency = compileUrgency(
    data.urgency,
    // Pronouns stay: "going to kill myself" is not "going to kill each other".
    data.taxonomy.urgency.examples.map((e) => words(prepare(e)).filter((w) => !EXAMPLE_STOPWORDS.has(w))),
  );
  const signals = compileSignals(data.urgency);
  // Learnt from the labelled sets and the taxonomy's urgency examples: danger said in words no rule has.
  // Its training is deterministic too, and kept by the same store (about a third of a second at each start).
  const examples = dangerExamples(data.labelled, data.taxonomy.urgency.examples, prepareOnce);
  const { model: dangerModel, kept: dangerKept } = keptOrTrained(options.store, keyOf('danger', { settings: DANGER_TRAINING, examples }), dangerModelFrom, () =>
    trainDangerModel(examples),
  );
  const dangerAskFrom = data.urgency.dangerAskFrom;
  const scoreDanger = (prepared: string) => dangerNow(dangerModel, prepared, data.urgency.dangerMinWords);
  const wholeNeutral = data.language.neutral.flatMap((n) => (typeof n === 'string' ? [new RegExp(n, 'i')] : []));
  const kindsNeutral = data.language.neutral.flatMap((n) =>
    typeof n === 'string' ? [] : [{ when: new RegExp(n.if, 'i'), unless: n.unless === undefined ? undefined : new RegExp(n.unless, 'i') }],
  );
  const askSafetyFor = new Set(data.urgency.askSafetyFor);
  const needKinds = new Map(Object.entries(data.urgency.needKinds));
  const unsureFrom = data.urgency.unsureFrom;
  const neighbourCount = options.neighbours ?? 20;
  const neighbourFrom = options.neighbourFrom ?? 0.4;
  const agreeVote = options.agreeVote ?? 0.25;
  const agreeFrom = options.agreeFrom ?? 0.3;
  const keepFrom = options.keepFrom ?? 0.9;
  const shortFrom = options.shortFrom ?? 0.35;
  const neighbours = buildNeighbours(
    data.labelled.map((c, i) => {
      const own = read.neighbours[i]!;
      return { features: typeof own === 'number' ? read.items[own]!.features : own, needs: c.needs };
    }),
    neighbourCount,
    options.neighbourMinFeatures ?? 16,
  );
  const buildMs = performance.now() - started;

  const piecesOf = (text: string) => pieces(prepare(text));
  /** The model's scores for one piece, for the needs trained on at least one of its features. */
  const scoresOf = (input: Record<string, number>): [string, number][] => {
    const keys = Object.keys(input);
    if (!keys.length) return [];
    return [...model.scores(input)].filter(([code]) => keys.some((k) => featuresOf.get(code)?.has(k)));
  };

  return {
    buildMs,
    trained: needsKept && dangerKept ? 'stored' : 'now',
    corpus: keptCorpus ? 'stored' : 'now',
    prepare,
    detect(text) {
      const prepared = prepare(text);
      const parts = pieces(prepared);
      // Each need's best score over the pieces, reported or not.
      const seen = new Map<string, number>();
      for (const piece of parts) for (const [code, score] of scoresOf(features(piece))) if (score > (seen.get(code) ?? 0)) seen.set(code, score);
      const best = new Map([...seen].filter(([, score]) => score >= threshold));
      // The most similar labelled messages add a need they mostly share, or one they share less that the model
      // half-saw too; and a need the model is unsure of goes unless one of them has it.
      const votes = neighbourCount > 0 ? neighbours.votes(Object.keys(features(prepared))) : new Map<string, number>();
      // A short message says one thing weakly ("I've got damp"), and no neighbours vote on it: its best need is
      // reported from a lower score. Not a need that asks whether the person is safe, under the doubt that asks
      // anyway: "me and my 2 kids", answering who lives with them, is not a child at risk.
      if (!votes.size && !best.size) {
        const [top] = [...seen].sort((a, b) => b[1] - a[1]);
        if (top && top[1] >= (askSafetyFor.has(top[0]) ? Math.max(shortFrom, unsureFrom) : shortFrom)) best.set(top[0], top[1]);
      }
      if (votes.size) for (const [code, score] of best) if (score < keepFrom && !votes.has(code)) best.delete(code);
      for (const [code, share] of votes)
        if (!best.has(code) && (share >= neighbourFrom || (share >= agreeVote && (seen.get(code) ?? 0) >= agreeFrom))) best.set(code, share);
      // The best score, reported or not, of the needs that call for the safety question.
      const unsure = Math.max(0, ...[...seen].filter(([code]) => askSafetyFor.has(code)).map(([, score]) => score));
      // A test, a greeting, thanks, spam: no need at all, whatever the model guesses from a word or two.
      const whole = prepared
        .replace(/[^a-z0-9£' ]+/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      if (wholeNeutral.some((pattern) => pattern.test(whole)) || kindsNeutral.some((n) => n.when.test(prepared) && !n.unless?.test(prepared))) best.clear();
      const danger = urgency(parts);
      const urgent = danger.length > 0;
      const risks = urgent ? [] : signals(parts);
      // A danger rule or risk signal that shows a need for certain (a stated intent to die, goodbye words) reports it
      // even if the model is unsure.
      for (const match of [...danger, ...risks]) for (const code of match.needs) best.set(code, Math.max(1, best.get(code) ?? 0));
      // Most confident first (a need a danger rule shows, at 1, before the model's).
      const needs = [...best]
        .filter(([code]) => labels.has(code))
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([code, score]) => ({ code, label: labels.get(code)!, confidence: Math.round(Math.min(1, score) * 1000) / 1000 }));
      const safetyQuestion =
        !urgent && (risks.length > 0 || needs.some((n) => askSafetyFor.has(n.code)) || unsure >= unsureFrom || scoreDanger(prepared) >= dangerAskFrom);
      const kinds = new Set<DangerKind>();
      for (const match of urgent ? danger : risks) if (match.kind) kinds.add(match.kind);
      if (urgent || safetyQuestion) for (const n of needs) if (needKinds.has(n.code)) kinds.add(needKinds.get(n.code)!);
      return { needs, urgent, safetyQuestion, danger: [...kinds] };
    },
    explain(text) {
      return piecesOf(text).map((piece) => {
        const scores = scoresOf(features(piece)).filter(([, v]) => v >= 0.2);
        return { piece, scores: Object.fromEntries(scores.map(([c, v]) => [c, Math.round(v * 100) / 100])) };
      });
    },
    urgentBecause(text) {
      return urgency(piecesOf(text)).map((m) => m.why);
    },
    riskBecause(text) {
      const prepared = prepare(text);
      const risk = scoreDanger(prepared);
      const model = risk >= dangerAskFrom ? [`danger-now model ${risk.toFixed(2)}: ${dangerModel.because(prepared).join(', ')}`] : [];
      return [...signals(pieces(prepared)).map((m) => m.why), ...model];
    },
    dangerScore(text) {
      return scoreDanger(prepare(text));
    },
  };
}
