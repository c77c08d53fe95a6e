// What callers hear, from channels/voice/wording.json (the words are data, never code). Checked when the
// channel is loaded, so a missing key or a misspelt {placeholder} stops the start, not a caller's call.
import { z } from 'zod';
import { Line, loadWording, template } from '../wording.ts';

export const VoiceWording = z.strictObject({
  about: z.string().optional(),
  /** Said first on every call, unless VOICE_GREETING says otherwise. */
  greeting: Line,
  prompt: Line,
  again: Line,
  /** Where to turn in an emergency: said when the line is closed and while callers wait. */
  emergency: Line,
  nothingHeard: Line,
  numberWithheld: Line,
  hold: Line,
  goodbye: Line,
  closed: template('greeting', 'hours', 'emergency'),
  closedUntil: template('greeting', 'hours', 'emergency', 'opens'),
  noMessage: Line,
  messageTaken: Line,
  waiting: template('emergency'),
  waitingAt: template('position', 'emergency'),
  connecting: Line,
  talked: Line,
  nobodyAnswered: Line,
});
export type VoiceWording = z.output<typeof VoiceWording>;

export const VOICE_WORDING_PATH = new URL('./wording.json', import.meta.url);

export function loadVoiceWording(source?: unknown): VoiceWording {
  return loadWording(VoiceWording, VOICE_WORDING_PATH, 'channels/voice/wording.json', source);
}
