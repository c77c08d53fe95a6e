// The part of NLP.js the detector uses, its Snowball stemmer (the package ships no types).
declare module '@nlpjs/lang-en-min' {
  export class StemmerEn {
    constructor();
    /** Memo of every word stemmed so far (public in NLP.js; cleared by the detector after each message). */
    cache: Record<string, string>;
    stemWord(word: string): string;
  }
}
