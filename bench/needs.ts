// npm run bench:needs — how well needs detection does on the labelled sets, and how fast it is.
// Each set is printed separately so overfitting shows: needs-labelled.json (written first, tuned on);
// needs-holdout.json (written after the first round of tuning; its first score was the honest one,
// then a second round of tuning looked at it); needs-holdout-2.json (written after that; its urgent misses
// were fixed, then the third round tuned on it too); needs-holdout-3.json (written before the third round
// and scored first; not tuned on, but seen); needs-holdout-4.json (written after the third round, scored
// once; seen since session 11, as is holdout 5); needs-holdout-6.json (written blind in session 11, the honest
// figure now). Never tune on a set whose score is to be reported as unseen.
// The danger-now model (hub/needs/danger.ts) learns from every set in hub/needs/labelled/, so its part of the safety-net
// figures on those sets is in-sample; the last section scores each set with a model trained on the others
// (leave-one-set-out), the honest figure for it short of a new blind set.
// Since session 22 the needs model also learns from every set in hub/needs/labelled/ (its messages of up to 100
// words, whole), and those messages vote as neighbours, so the needs figures on those sets are in-sample too; the
// sets in tests/fixtures/ are never learnt from. Holdouts 9-18, each seen and mended after its first score, moved
// into hub/needs/labelled in session 24: their first scores are in their names, their current ones in-sample.
// Times are printed, never asserted.
// `-- --mistakes` also lists every case the detector got wrong.
import { existsSync } from 'node:fs';
import { loadNeedsData } from '../hub/needs/data.ts';
import { buildDetector } from '../hub/needs/detector.ts';
import { crossValidateDanger, loadLabelled, precision, recall, score, type LabelledCase } from './needs-score.ts';

const SETS = [
  { name: 'labelled (tuned on)', file: new URL('../hub/needs/labelled/needs-labelled.json', import.meta.url) },
  // First scores, before anything was changed after seeing them: holdout 1 micro P 0.59 R 0.56, urgent 2/5;
  // holdout 2 micro P 0.57 R 0.53, urgent 2/4.
  { name: 'holdout 1 (first score P 0.59 R 0.56 urgent 2/5; then tuned on)', file: new URL('../hub/needs/labelled/needs-holdout.json', import.meta.url) },
  { name: 'holdout 2 (first score P 0.57 R 0.53 urgent 2/4; then tuned on)', file: new URL('../hub/needs/labelled/needs-holdout-2.json', import.meta.url) },
  // Holdout 3 was written before the third round of tuning and never tuned on, but whoever tuned had written it and
  // seen its first mistakes, so its second score is optimistic. First score: P 0.60 R 0.60 urgent 5/11.
  {
    name: 'holdout 3 (first score P 0.60 R 0.60 urgent 5/11; not tuned on, but seen)',
    file: new URL('../hub/needs/labelled/needs-holdout-3.json', import.meta.url),
  },
  // Holdouts 4 and 5 were scored once each as unseen text, then looked at and learnt from in session 11 (so they are
  // seen now; a fresh blind holdout 6 gives the honest figure). Scores before session 11 changed anything:
  // holdout 4 P 0.48 R 0.44 urgent 2/5; holdout 5 P 0.81 R 0.81 urgent 5/8.
  {
    name: 'holdout 4 (seen from session 11; before it P 0.48 R 0.44 urgent 2/5)',
    file: new URL('../hub/needs/labelled/needs-holdout-4.json', import.meta.url),
  },
  {
    name: 'holdout 5 (seen from session 11; before it P 0.81 R 0.81 urgent 5/8)',
    file: new URL('../hub/needs/labelled/needs-holdout-5.json', import.meta.url),
  },
  // Holdout 6 was written blind in session 11 (taxonomy and labelling rules only) while the detector was tuned
  // without it, and scored twice: before that tuning P 0.64 R 0.84 urgent 9/10 (2 false alarms), after it
  // P 0.62 R 0.83 urgent 10/10 (2 false alarms). The needs side did not generalise; urgency did.
  {
    name: 'holdout 6 (written blind; before session 11 tuning P 0.64 R 0.84 urgent 9/10, after P 0.62 R 0.83 urgent 10/10)',
    file: new URL('../hub/needs/labelled/needs-holdout-6.json', import.meta.url),
  },
  // Holdout 7 (106 messages over SMS, web chat, email and calls, 32 urgent, mostly said indirectly) and the real accounts
  // (85 first-person accounts from UK news and charity pages, paraphrased) were written blind in session 12 by helpers who
  // saw only the taxonomy and the labelling rules, and scored before that session changed the detector (first score
  // below), then once after its safety net and data changes, which were made without looking at either set.
  {
    name: 'holdout 7 (written blind; first score P 0.59 R 0.74 urgent 16/32, 3 false alarms of 74, neutral 7/13 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-7.json', import.meta.url),
  },
  // Holdout 8 (106 messages, 30 urgent, 13 with no need) was written blind in session 12 and kept sealed until session 13
  // scored it, once, before anything was changed after seeing it; its urgent misses were then read (seen since).
  {
    name: 'holdout 8 (written blind; first score P 0.67 R 0.68, urgent flagged 13/30, caught 19/30, calm asked 9/76, flagged 4/76, neutral 9/13 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-8.json', import.meta.url),
  },
  {
    name: 'real accounts (paraphrased blind; first score P 0.56 R 0.81 urgent 3/4, 6 false alarms of 81)',
    file: new URL('../hub/needs/labelled/needs-accounts.json', import.meta.url),
  },
  // Holdout 9 (110 messages, 28 urgent, 13 with no need) was written blind in session 13 while the danger-now model was
  // built and chosen without it, then scored once (first score in the name); learnt from since session 24.
  {
    name: 'holdout 9 (written blind, learnt from since session 24; first score P 0.63 R 0.72, urgent flagged 14/28, caught 28/28, calm asked 18/82, flagged 4/82, neutral 10/13 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-9.json', import.meta.url),
  },
  // Holdout 10 (120 messages, 30 urgent, 15 with no need) was written blind in session 21 and kept sealed while the
  // varied phrases and the weight of common words were chosen on the seen sets, then scored once (first score in
  // the name); learnt from since session 24, like holdouts 11-18.
  {
    name: 'holdout 10 (written blind, learnt from since session 24; first score P 0.73 R 0.73, urgent flagged 17/30, caught 29/30, calm asked 10/90, flagged 5/90, neutral 12/15 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-10.json', import.meta.url),
  },
  // Holdout 11 (120 messages, 30 urgent, 15 with no need) was written blind in session 21 while holdout 10's urgent
  // miss was fixed and the 'none' phrases added, kept sealed, then scored once (first score in the name).
  {
    name: 'holdout 11 (written blind, learnt from since session 24; first score P 0.69 R 0.76, urgent flagged 14/30, caught 28/30, calm asked 17/90, flagged 5/90, neutral 12/15 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-11.json', import.meta.url),
  },
  // Holdout 12 (120 messages, 30 urgent, 16 with no need) was written blind in session 21 and kept sealed while
  // session 22 added whole labelled messages to the needs model's training and the spam and thanks rules, then
  // scored once (first score in the name). Its four urgent misses were read and fixed (seen for danger since).
  {
    name: 'holdout 12 (written blind, learnt from since session 24; first score P 0.68 R 0.69, urgent flagged 13/30, caught 26/30, calm asked 15/90, flagged 2/90, neutral 14/16 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-12.json', import.meta.url),
  },
  // Holdout 13 (120 messages, 30 urgent, 15 with no need) was written blind in session 22 and kept sealed while
  // that session added 620 whole training messages and the neighbours' votes, then scored once (first score in
  // the name).
  {
    name: 'holdout 13 (written blind, learnt from since session 24; first score P 0.80 R 0.84, urgent flagged 17/30, caught 30/30, calm asked 10/90, flagged 5/90, neutral 14/15 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-13.json', import.meta.url),
  },
  // Holdout 14 (120 messages, 30 urgent, 15 with no need) was written blind in session 22 and kept sealed while
  // session 23 added 1,220 training messages and replaced the perceptrons with logistic regression, then scored
  // once (first score in the name); its two urgent misses were read and made into signals (seen since). The
  // session-22 detector scored P 0.75 R 0.79 on it, urgent caught 28/30, neutral 13/15.
  {
    name: 'holdout 14 (written blind, learnt from since session 24; first score P 0.81 R 0.84, urgent flagged 17/30, caught 28/30, calm asked 12/90, flagged 4/90, neutral 15/15 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-14.json', import.meta.url),
  },
  // Holdout 15 (120 messages, 30 urgent, 15 with no need) was written blind in session 23 and kept sealed while that
  // session added 1,200 more training messages and the holdout-14 signals, then scored once (first score in the
  // name); its two urgent misses and its one no-need miss were read and made into signals (seen since).
  {
    name: 'holdout 15 (written blind, learnt from since session 24; first score P 0.88 R 0.86, urgent flagged 12/30, caught 28/30, calm asked 14/90, flagged 2/90, neutral 14/15 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-15.json', import.meta.url),
  },
  // Holdout 16 (120 messages, 30 urgent, 15 with no need) was written blind in session 23 while holdout 15's misses
  // were made signals, then scored once (first score in the name); its one urgent and one no-need miss were read and
  // made into a rule, a signal and a neutral kind (seen since).
  {
    name: 'holdout 16 (written blind, learnt from since session 24; first score P 0.88 R 0.88, urgent flagged 14/30, caught 29/30, calm asked 11/90, flagged 5/90, neutral 14/15 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-16.json', import.meta.url),
  },
  // Holdout 17 (120 messages, 30 urgent, 15 with no need) was written blind in session 23 while holdout 16's misses
  // were made a rule, a signal and a neutral kind, then scored once on that session's final detector (first score in
  // the name); its two no-need misses were read and made neutral (seen since).
  {
    name: 'holdout 17 (written blind, learnt from since session 24; first score P 0.85 R 0.89, urgent flagged 12/30, caught 30/30, calm asked 11/90, flagged 6/90, neutral 13/15 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-17.json', import.meta.url),
  },
  // Holdout 18 (120 messages, 30 urgent, 15 with no need) was written blind in session 23 while holdout 17's misses
  // were made neutral, then scored once (first score in the name); its two urgent misses were read and made into
  // signals (seen since).
  {
    name: 'holdout 18 (written blind, learnt from since session 24; first score P 0.87 R 0.88, urgent flagged 19/30, caught 28/30, calm asked 9/90, flagged 5/90, neutral 15/15 clean)',
    file: new URL('../hub/needs/labelled/needs-holdout-18.json', import.meta.url),
  },
  // Holdouts 19-21 (120 messages each, 30 urgent, 15 with no need) were written blind in session 23 and scored once
  // each, 19 after 300 more training messages and 20 and 21 each after the previous one's misses were fixed (first
  // scores in the names); their misses were read and made signals and neutral kinds (seen since).
  {
    name: 'holdout 19 (written blind; first score P 0.87 R 0.85, urgent flagged 13/30, caught 29/30, calm asked 13/90, flagged 6/90, neutral 15/15 clean)',
    file: new URL('../tests/fixtures/needs-holdout-19.json', import.meta.url),
  },
  {
    name: 'holdout 20 (written blind; first score P 0.82 R 0.87, urgent flagged 19/30, caught 30/30, calm asked 11/90, flagged 4/90, neutral 14/15 clean)',
    file: new URL('../tests/fixtures/needs-holdout-20.json', import.meta.url),
  },
  {
    name: 'holdout 21 (written blind; first score P 0.85 R 0.86, urgent flagged 17/30, caught 28/30, calm asked 15/90, flagged 3/90, neutral 14/15 clean)',
    file: new URL('../tests/fixtures/needs-holdout-21.json', import.meta.url),
  },
  // Holdout 22 (120 messages, 30 urgent, 15 with no need) was written blind in session 23 and kept sealed while
  // session 24 learnt from holdouts 9-18 and 600 more training messages and added signals, then scored once (first
  // score in the name); its one no-need miss was read and made neutral (seen since).
  {
    name: 'holdout 22 (written blind; first score P 0.86 R 0.87, urgent flagged 20/30, caught 30/30, calm asked 12/90, flagged 3/90, neutral 14/15 clean)',
    file: new URL('../tests/fixtures/needs-holdout-22.json', import.meta.url),
  },
  // Holdouts 23-25 (120 messages each, 30 urgent, 15 with no need) were written blind in session 24 while that
  // session added 1,050 training messages and signals; 23 and 24 were scored once on the same detector, 25 after
  // holdout 24's miss was made a signal (first scores in the names). Holdout 23 was the first to meet every part of
  // the bar at once. Their misses were read and made signals (seen since).
  {
    name: 'holdout 23 (written blind; first score P 0.86 R 0.88, urgent flagged 13/30, caught 30/30, calm asked 14/90, flagged 3/90, neutral 15/15 clean)',
    file: new URL('../tests/fixtures/needs-holdout-23.json', import.meta.url),
  },
  {
    name: 'holdout 24 (written blind; first score P 0.84 R 0.92, urgent flagged 16/30, caught 29/30, calm asked 6/90, flagged 3/90, neutral 15/15 clean)',
    file: new URL('../tests/fixtures/needs-holdout-24.json', import.meta.url),
  },
  {
    name: 'holdout 25 (written blind; first score P 0.86 R 0.87, urgent flagged 17/30, caught 29/30, calm asked 13/90, flagged 5/90, neutral 14/15 clean)',
    file: new URL('../tests/fixtures/needs-holdout-25.json', import.meta.url),
  },
  // Holdouts 26 and 27 (120 messages each, 30 urgent, 15 with no need) were written blind in session 24 while holdout
  // 25's miss was made a signal, then scored once each on that detector (first scores in the names): both met every
  // part of the bar. Their cases have not been read.
  {
    name: 'holdout 26 (written blind; first score P 0.84 R 0.91, urgent flagged 12/30, caught 30/30, calm asked 15/90, flagged 3/90, neutral 15/15 clean)',
    file: new URL('../tests/fixtures/needs-holdout-26.json', import.meta.url),
  },
  {
    name: 'holdout 27 (written blind; first score P 0.85 R 0.91, urgent flagged 15/30, caught 30/30, calm asked 12/90, flagged 3/90, neutral 15/15 clean)',
    file: new URL('../tests/fixtures/needs-holdout-27.json', import.meta.url),
  },
  // Holdout 28 (120 messages, 30 urgent, 15 with no need) was written blind in session 25 and scored once on the
  // detector as session 24 left it (first score in the name); its two misses (an asthma attack, a planning
  // objection) were read and made a signal and a neutral kind (seen since).
  {
    name: 'holdout 28 (written blind; first score P 0.88 R 0.88, urgent flagged 14/30, caught 29/30, calm asked 9/90, flagged 3/90, neutral 14/15 clean)',
    file: new URL('../tests/fixtures/needs-holdout-28.json', import.meta.url),
  },
  // Holdout 29 (120 messages, 30 urgent, 15 with no need) was written blind in session 25 and scored once on the
  // detector as that session left it (first score in the name). Not read.
  {
    name: 'holdout 29 (written blind; first score P 0.86 R 0.84, urgent flagged 15/30, caught 30/30, calm asked 7/90, flagged 2/90, neutral 15/15 clean)',
    file: new URL('../tests/fixtures/needs-holdout-29.json', import.meta.url),
  },
];
const showMistakes = process.argv.includes('--mistakes');

const data = loadNeedsData({ taxonomyPath: process.env.NEEDS_TAXONOMY_PATH || undefined });
const detector = buildDetector(data);
const codes = new Set(data.taxonomy.needs.map((n) => n.code));
const pct = (x: number) => x.toFixed(2).padStart(5);

console.log(`needs detection: ${codes.size} needs, model built in ${detector.buildMs.toFixed(0)} ms`);

function timePerMessage(cases: readonly LabelledCase[]): { mean: number; max: number } {
  const times = cases.map((c) => {
    const t = performance.now();
    detector.detect(c.text);
    return performance.now() - t;
  });
  return { mean: times.reduce((a, b) => a + b, 0) / times.length, max: Math.max(...times) };
}

for (const set of SETS) {
  if (!existsSync(set.file)) {
    console.log(`\n${set.name}: ${set.file.pathname} not found, skipped`);
    continue;
  }
  const cases = loadLabelled(set.file, codes);
  const result = score((t) => detector.detect(t), cases);
  const urgentCases = cases.filter((c) => c.urgent).length;
  console.log(`\n== ${set.name}: ${cases.length} messages, ${cases.reduce((a, c) => a + c.needs.length, 0)} labelled needs, ${urgentCases} urgent`);
  console.log(`${'need'.padEnd(26)} labelled  found  prec  recall`);
  for (const code of [...codes].sort()) {
    const c = result.perNeed.get(code);
    if (!c) continue;
    console.log(`${code.padEnd(26)} ${String(c.tp + c.fn).padStart(8)} ${String(c.tp + c.fp).padStart(6)} ${pct(precision(c))} ${pct(recall(c))}`);
  }
  const m = result.micro;
  console.log(`overall micro: precision ${pct(precision(m))}  recall ${pct(recall(m))}  (tp ${m.tp}, fp ${m.fp}, fn ${m.fn})`);
  console.log(`overall macro: precision ${pct(result.macro.precision)}  recall ${pct(result.macro.recall)}`);
  console.log(
    `urgent:        recall ${pct(recall(result.urgent))} (${result.urgent.tp}/${urgentCases})  precision ${pct(precision(result.urgent))} (false alarms ${result.urgent.fp})`,
  );
  const sn = result.safety;
  console.log(
    `safety net:    urgent caught (flagged or asked) ${sn.caught}/${sn.urgentCases}; calm messages asked ${sn.asked}/${sn.calmCases}, flagged urgent ${sn.flagged}/${sn.calmCases}; right advice ${sn.kindRight}/${sn.kindLabelled} of flagged with a labelled kind`,
  );
  if (result.neutral.cases) console.log(`no-need:       ${result.neutral.clean}/${result.neutral.cases} messages with no need got none`);
  for (const [channel, c] of [...result.perChannel].sort()) {
    console.log(
      `  ${channel.padEnd(8)} ${String(c.cases).padStart(3)} messages: micro P ${pct(precision(c.micro))} R ${pct(recall(c.micro))}; urgent flagged ${c.urgent.tp}/${c.urgent.tp + c.urgent.fn}, caught ${c.caught}/${c.urgent.tp + c.urgent.fn}, false alarms ${c.urgent.fp}`,
    );
  }
  // Warm-up done by scoring above; now time the same messages again.
  const time = timePerMessage(cases);
  console.log(`detection time per message: mean ${time.mean.toFixed(2)} ms, max ${time.max.toFixed(2)} ms`);
  if (showMistakes) {
    for (const x of result.mistakes) {
      const urgent = x.urgent.expected !== x.urgent.got ? ` urgent expected ${x.urgent.expected} got ${x.urgent.got}` : '';
      console.log(
        `  - ${JSON.stringify(x.text.slice(0, 150))}\n      missed [${x.missed.join(', ')}] extra [${x.extra.join(', ')}]${urgent}${x.asked ? ' (safety question asked)' : ''}`,
      );
    }
  }
}

// Leave-one-set-out: each labelled set scored by a danger-now model that never saw it.
const cv = crossValidateDanger(data);
console.log(`\n== danger-now model, leave-one-set-out (ask from ${data.urgency.dangerAskFrom}): each set scored by a model trained on the others`);
for (const s of cv.sets)
  console.log(
    `  ${s.name.padEnd(24)} urgent caught ${s.caught}/${s.urgent} (rules and signals alone ${s.caughtBefore}); calm asked ${s.asked}/${s.calm} (before ${s.askedBefore})`,
  );
console.log(
  `  all sets                 urgent caught ${cv.caught}/${cv.urgent} (rules and signals alone ${cv.caughtBefore}); calm asked ${cv.asked}/${cv.calm} (before ${cv.askedBefore})`,
);
