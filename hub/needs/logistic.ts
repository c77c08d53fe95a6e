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

/**
 * A trained model as plain JSON: the labels, each label's bias, and the kept weights grouped by feature. The
 * features are joined by newlines (no feature holds one: they are words and word pairs); feature i's weights are
 * entries offsets[i] to offsets[i + 1] of label and weight. The numbers are typed arrays in base64, in the
 * machine's byte order (the file is a local cache): a needs model keeps about 300,000 weights, and as JSON
 * triples they took about a second to read back at every start; this way they read back exactly, and fast.
 */
export interface SavedLogistic {
  format: 2;
  labels: string[];
  bias: number[];
  features: string;
  /** Uint32Array, one more than the features. */
  offsets: string;
  /** Uint8Array: each weight's label index. */
  label: string;
  /** Float64Array. */
  weight: string;
}

/** The weights in memory: the same grouping as SavedLogistic, decoded. */
interface Weights {
  labels: string[];
  bias: number[];
  features: string[];
  offsets: Uint32Array;
  label: Uint8Array;
  weight: Float64Array;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function trainLogistic(items: readonly LogisticItem[], labels: readonly string[], settings: LogisticSettings): LogisticModel {
  const C = labels.length;
  // Kept as one byte each (SavedLogistic).
  if (C > 255) throw new Error(`a logistic model has at most 255 labels, not ${C}`);
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

  const features: string[] = [];
  const offsets = [0];
  const label: number[] = [];
  const weight: number[] = [];
  for (const [f, j] of index) {
    const before = weight.length;
    for (let c = 0; c < C; c++)
      if (Math.abs(W[j * C + c]!) >= settings.prune) {
        label.push(c);
        weight.push(W[j * C + c]!);
      }
    if (weight.length > before) {
      features.push(f);
      offsets.push(weight.length);
    }
  }
  return modelOf({
    labels: [...labels],
    bias: Array.from(B),
    features,
    offsets: Uint32Array.from(offsets),
    label: Uint8Array.from(label),
    weight: Float64Array.from(weight),
  });
}

const encode = (a: Uint32Array | Uint8Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
/** Copied into a fresh buffer: a Float64Array must start at a multiple of 8 bytes, which Node's pooled buffers need not. */
const decode = (text: string) => new Uint8Array(Buffer.from(text, 'base64')).buffer;

/** A model from what toJSON() kept; undefined when it is not one (a damaged file, or an older format). */
export function logisticFrom(saved: unknown): LogisticModel | undefined {
  const s = saved as Partial<SavedLogistic> | undefined;
  if (s?.format !== 2 || !Array.isArray(s.labels) || !Array.isArray(s.bias)) return undefined;
  if (typeof s.features !== 'string' || typeof s.offsets !== 'string' || typeof s.label !== 'string' || typeof s.weight !== 'string') return undefined;
  const C = s.labels.length;
  if (s.bias.length !== C || !s.labels.every((l) => typeof l === 'string') || !s.bias.every((b) => typeof b === 'number')) return undefined;
  const offsetBytes = decode(s.offsets);
  const weightBytes = decode(s.weight);
  if (offsetBytes.byteLength % 4 || weightBytes.byteLength % 8) return undefined;
  const features = s.features === '' ? [] : s.features.split('\n');
  const offsets = new Uint32Array(offsetBytes);
  const label = new Uint8Array(decode(s.label));
  const weight = new Float64Array(weightBytes);
  if (offsets.length !== features.length + 1 || offsets[0] !== 0 || offsets[features.length] !== weight.length || label.length !== weight.length)
    return undefined;
  for (let i = 0; i < features.length; i++) if (offsets[i]! > offsets[i + 1]!) return undefined;
  for (let k = 0; k < label.length; k++) if (label[k]! >= C || !Number.isFinite(weight[k]!)) return undefined;
  return modelOf({ labels: s.labels, bias: s.bias, features, offsets, label, weight });
}

function modelOf(w: Weights): LogisticModel {
  const at = new Map<string, number>();
  w.features.forEach((f, i) => at.set(f, i));
  const weightOf = (f: string, c: number) => {
    const i = at.get(f);
    if (i === undefined) return 0;
    for (let k = w.offsets[i]!; k < w.offsets[i + 1]!; k++) if (w.label[k] === c) return w.weight[k]!;
    return 0;
  };
  return {
    labels: w.labels,
    size: w.weight.length,
    scores(features) {
      const z = [...w.bias];
      for (const [f, x] of Object.entries(features)) {
        const i = at.get(f);
        if (i === undefined) continue;
        for (let k = w.offsets[i]!; k < w.offsets[i + 1]!; k++) z[w.label[k]!]! += w.weight[k]! * x;
      }
      return new Map(w.labels.map((label, c) => [label, sigmoid(z[c]!)]));
    },
    because(features, label, top = 5) {
      const c = w.labels.indexOf(label);
      return Object.keys(features)
        .filter((f) => weightOf(f, c) > 0)
        .sort((a, b) => weightOf(b, c) - weightOf(a, c))
        .slice(0, top);
    },
    toJSON: () => ({
      format: 2,
      labels: w.labels,
      bias: w.bias,
      features: w.features.join('\n'),
      offsets: encode(w.offsets),
      label: encode(w.label),
      weight: encode(w.weight),
    }),
  };
}
