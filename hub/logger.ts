// pino, with personal data redacted: logs never carry message bodies or contact details in clear.
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACTED_PATHS = [
  'text',
  '*.text',
  'body',
  '*.body',
  'Body',
  '*.Body',
  'from',
  '*.from',
  'to',
  '*.to',
  'From',
  '*.From',
  'To',
  '*.To',
  'address',
  '*.address',
  'email',
  '*.email',
  'password',
  '*.password',
  'raw',
  '*.raw',
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'contact-hub' } }, destination);
}
