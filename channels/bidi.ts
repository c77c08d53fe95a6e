// Unicode's direction controls make text display in another order than it is stored: "invoice\u202Egnp.docx"
// shows as "invoicexcod.png", and a name can carry an override that reverses what follows it. Pure helpers,
// used wherever such text becomes a label a person trusts (a file name, a name), so what is shown is what is there.

/** Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069): they reorder everything up to their end. */
const EXPLICIT = /[\u202A-\u202E\u2066-\u2069]/g;
/** Direction marks (LRM, RLM, ALM): harmless in a sentence, but they can move the dot before a file's extension. */
const MARKS = /[\u200E\u200F\u061C]/g;

/** A name or other short label without the controls that reorder text (direction marks, which only nudge it, stay). */
export function withoutBidiOverrides(text: string): string {
  return text.replace(EXPLICIT, '');
}

/** A file name shown and offered as a download: no direction control of any kind, so its real extension shows last. */
export function withoutBidiControls(text: string): string {
  return text.replace(EXPLICIT, '').replace(MARKS, '');
}
