import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../hub/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('logs', () => {
  it('never carry message bodies, addresses or passwords in clear', () => {
    const { logger, lines } = capture();
    logger.info(
      { contact: { text: 'I am scared to go home', from: '+447911123456', body: 'x' }, email: 'someone@example.org', password: 'hunter2hunter2' },
      'inbound',
    );
    logger.info({ Body: 'raw twilio body', From: '+447911123456', To: '+442079460001' }, 'webhook');
    const out = lines.join('');
    for (const secret of ['scared', '+447911123456', 'someone@example.org', 'hunter2', 'raw twilio body', '+442079460001']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
    expect(out).toContain('"msg":"inbound"');
  });
});
