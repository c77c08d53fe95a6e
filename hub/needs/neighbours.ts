// Needs voted by the most similar labelled messages (hub/needs/labelled): a message says "his lips are going
// blue" or "she can't keep us much longer" in words no single need's phrases carry, but a labelled message
// written about the same situation often does, with its needs. Similarity is the cosine of TF-IDF weighted
// features (the detector's stems and stem pairs), looked up through an inverted index.

export interface NeighbourItem {
  /** Its features, each weighing 1 (as the detector's stems and stem pairs do). */
  features: readonly string[];
  needs: readonly string[];
}

export interface Neighbours {
  /** Each need's share of the similarity of the k most similar labelled messages, 0–1. */
  votes(features: readonly string[]): Map<string, number>;
}

/**
 * k: how many of the most similar messages vote. minFeatures: a message with fewer features (stems and stem pairs)
 * gets no votes. Every feature weighs 1, in the labelled messages and in the one voted on.
 */
export function buildNeighbours(items: readonly NeighbourItem[], k: number, minFeatures: number): Neighbours {
  const documents = new Map<string, number>();
  for (const item of items) for (const f of item.features) documents.set(f, (documents.get(f) ?? 0) + 1);
  const idf = (f: string) => Math.log((items.length + 1) / ((documents.get(f) ?? 0) + 1));
  /** Each feature's TF-IDF weight, the whole of unit length. */
  const vector = (features: readonly string[]) => {
    const weights = features.map(idf);
    const norm = Math.sqrt(weights.reduce((sum, x) => sum + x * x, 0)) || 1;
    return weights.map((x) => x / norm);
  };
  // Each feature's postings: the items that have it, and its weight in each. Two flat lists per feature rather
  // than an object per posting: there are about 400,000, built at every start.
  const postings = new Map<string, { items: number[]; weights: number[] }>();
  items.forEach((item, i) => {
    const weights = vector(item.features);
    item.features.forEach((f, j) => {
      let list = postings.get(f);
      if (!list) postings.set(f, (list = { items: [], weights: [] }));
      list.items.push(i);
      list.weights.push(weights[j]!);
    });
  });

  return {
    votes(features) {
      // A few words ("hi is this the council") are not a situation: their nearest messages are chance.
      if (features.length < minFeatures) return new Map();
      const similarity = new Float64Array(items.length);
      const weights = vector(features);
      features.forEach((f, j) => {
        const list = postings.get(f);
        if (list) for (let p = 0; p < list.items.length; p++) similarity[list.items[p]!]! += weights[j]! * list.weights[p]!;
      });
      const nearest = [...similarity.keys()]
        .filter((i) => similarity[i]! > 0)
        .sort((a, b) => similarity[b]! - similarity[a]!)
        .slice(0, k);
      const total = nearest.reduce((sum, i) => sum + similarity[i]!, 0);
      const votes = new Map<string, number>();
      for (const i of nearest) for (const code of items[i]!.needs) votes.set(code, (votes.get(code) ?? 0) + similarity[i]! / total);
      return votes;
    },
  };
}
