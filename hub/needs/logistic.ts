// Logistic regression over sparse features, one independent output per label (a message can have several
// needs), shared by the needs model and the danger-now model. Penalised log-loss, full-batch Adam: deterministic,
// so the same items give the same weights, which is what lets the store keep them by the hash of the items.
//
// It replaced NLP.js's perceptrons for the needs model in session 23: over the same features and the same
// training messages, on holdouts 9–13, F1 rose from 0.82 to 0.86 (README, "Needs detection").

export interface LogisticItem {
  /** Feature → value (1 for a word that is there; a weight otherwise). */
  features: Readonly<Record<string, number>>;
  /** The labels this item has; every other label is a negative example. */
  labels: readonly string[];
}

export interface LogisticSettings {
  /** A feature must appear in at least this many items to be learnt (one-offs are noise, or rare words). */
  minCount: number;
  /** L2 penalty on the summed log-loss: larger keeps single words from carrying a message. */
  l2: number;
  iterations: number;
  rate: number;
  /** Weights smaller than this are dropped after training: a smaller model to keep, the same answers. */
  prune: number;
}

export interface LogisticModel {
  readonly labels: readonly string[];
  /** Each label's probability for these features, 0–1. */
  scores(features: Readonly<Record<string, number>>): Map<string, number>;
  /** The features that raised this label's score most (for tuning and tests). */
  because(features: Readonly<Record<string, number>>, label: string, top?: number): string[];
  /** How many weights the model keeps. */
  readonly size: number;
  toJSON(): SavedLogistic;
}

/** A trained model as plain JSON: the labels, each label's bias, and each kept weight as [feature, label index, weight]. */
export interface SavedLogistic {
  labels: string[];
  bias: number[];
  weights: [string, number, number][];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function trainLogistic(items: readonly LogisticItem[], labels: readonly string[], settings: LogisticSettings): LogisticModel {
  const C = labels.length;
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const counts = new Map<string, number>();
  for (const item of items) for (const f of Object.keys(item.features)) counts.set(f, (counts.get(f) ?? 0) + 1);
  const index = new Map<string, number>();
  for (const [f, n] of counts) if (n >= settings.minCount) index.set(f, index.size);
  const F = index.size;
  const rows = items.map((item) => {
    const entries = Object.entries(item.features).filter(([f]) => index.has(f));
    return { at: Int32Array.from(entries, ([f]) => index.get(f)!), x: Float64Array.from(entries, ([, x]) => x) };
  });
  const targets = items.map((item) => {
    const y = new Float64Array(C);
    for (const l of item.labels) {
      const i = labelIndex.get(l);
      if (i !== undefined) y[i] = 1;
    }
    return y;
  });

  const W = new Float64Array(F * C);
  const B = new Float64Array(C);
  const gradW = new Float64Array(F * C);
  const gradB = new Float64Array(C);
  const [mW, vW, mB, vB] = [new Float64Array(F * C), new Float64Array(F * C), new Float64Array(C), new Float64Array(C)];
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const z = new Float64Array(C);
  const adam = (w: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, j: number, t: number) => {
    m[j] = b1 * m[j]! + (1 - b1) * g[j]!;
    v[j] = b2 * v[j]! + (1 - b2) * g[j]! * g[j]!;
    w[j]! -= (settings.rate * (m[j]! / (1 - b1 ** t))) / (Math.sqrt(v[j]! / (1 - b2 ** t)) + eps);
  };
  for (let t = 1; t <= settings.iterations; t++) {
    gradW.fill(0);
    gradB.fill(0);
    for (let i = 0; i < rows.length; i++) {
      const { at, x } = rows[i]!;
      const y = targets[i]!;
      z.set(B);
      for (let k = 0; k < at.length; k++) {
        const o = at[k]! * C;
        for (let c = 0; c < C; c++) z[c]! += W[o + c]! * x[k]!;
      }
      for (let c = 0; c < C; c++) z[c] = sigmoid(z[c]!) - y[c]!;
      for (let k = 0; k < at.length; k++) {
        const o = at[k]! * C;
        for (let c = 0; c < C; c++) gradW[o + c]! += z[c]! * x[k]!;
      }
      for (let c = 0; c < C; c++) gradB[c]! += z[c]!;
    }
    for (let j = 0; j < F * C; j++) {
      gradW[j]! += settings.l2 * W[j]!;
      adam(W, gradW, mW, vW, j, t);
    }
    for (let c = 0; c < C; c++) adam(B, gradB, mB, vB, c, t);
  }

  const weights: [string, number, number][] = [];
  for (const [f, j] of index) for (let c = 0; c < C; c++) if (Math.abs(W[j * C + c]!) >= settings.prune) weights.push([f, c, W[j * C + c]!]);
  return modelOf({ labels: [...labels], bias: Array.from(B), weights });
}

/** A model from what toJSON() kept; undefined when it is not one (a damaged file). */
export function logisticFrom(saved: unknown): LogisticModel | undefined {
  const s = saved as Partial<SavedLogistic> | undefined;
  if (!Array.isArray(s?.labels) || !Array.isArray(s.bias) || !Array.isArray(s.weights)) return undefined;
  const C = s.labels.length;
  if (s.bias.length !== C || !s.labels.every((l) => typeof l === 'string') || !s.bias.every((b) => typeof b === 'number')) return undefined;
  const row = (w: unknown) =>
    Array.isArray(w) && w.length === 3 && typeof w[0] === 'string' && Number.isInteger(w[1]) && w[1] >= 0 && w[1] < C && typeof w[2] === 'number';
  if (!s.weights.every(row)) return undefined;
  return modelOf(s as SavedLogistic);
}

function modelOf(saved: SavedLogistic): LogisticModel {
  const byFeature = new Map<string, [number, number][]>();
  for (const [f, c, w] of saved.weights) (byFeature.get(f) ?? byFeature.set(f, []).get(f)!).push([c, w]);
  return {
    labels: saved.labels,
    size: saved.weights.length,
    scores(features) {
      const z = [...saved.bias];
      for (const [f, x] of Object.entries(features)) for (const [c, w] of byFeature.get(f) ?? []) z[c]! += w * x;
      return new Map(saved.labels.map((label, c) => [label, sigmoid(z[c]!)]));
    },
    because(features, label, top = 5) {
      const c = saved.labels.indexOf(label);
      const weightOf = (f: string) => byFeature.get(f)?.find(([i]) => i === c)?.[1] ?? 0;
      return Object.keys(features)
        .filter((f) => weightOf(f) > 0)
        .sort((a, b) => weightOf(b) - weightOf(a))
        .slice(0, top);
    },
    toJSON: () => saved,
  };
}
