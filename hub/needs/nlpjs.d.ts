// The parts of NLP.js the detector uses (the packages ship no types).
declare module '@nlpjs/neural' {
  export interface NeuralSettings {
    iterations?: number;
    errorThresh?: number;
    deltaErrorThresh?: number;
    learningRate?: number;
    momentum?: number;
    alpha?: number;
    log?: boolean;
  }
  export interface TrainingItem {
    input: Record<string, number>;
    output: Record<string, number>;
  }
  export class NeuralNetwork {
    constructor(settings?: NeuralSettings);
    /** Trains one perceptron per output name; synchronous despite NLP.js's async wrappers. */
    train(corpus: TrainingItem[]): { error: number; deltaError: number; iterations: number };
    /** Each output's activation for these features (independent per output, not normalised). */
    run(input: Record<string, number>): Record<string, number> | undefined;
    /** Its settings, defaults filled in. */
    readonly settings: NeuralSettings;
    /** Whether it has perceptrons (trained, or loaded by fromJSON). */
    readonly isRunnable: boolean;
    /** The trained weights as plain JSON; fromJSON restores them. */
    toJSON(): unknown;
    fromJSON(json: unknown): void;
  }
}

declare module '@nlpjs/lang-en-min' {
  export class StemmerEn {
    constructor();
    /** Memo of every word stemmed so far (public in NLP.js; cleared by the detector after each message). */
    cache: Record<string, string>;
    stemWord(word: string): string;
  }
}
