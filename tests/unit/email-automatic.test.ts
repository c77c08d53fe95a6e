// Automatic mail against a corpus written for it by someone who never saw the detector (tests/fixtures/
// automatic-mail/README.md says what real software each file is shaped like): bounces, reports, out-of-office
// replies, list and system mail must never be answered; people's mail, the tricky cases included, must be.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { automaticBecause } from '../../channels/email/normalise.ts';

const CORPUS = path.join(import.meta.dirname, '../fixtures/automatic-mail');
const files = (kind: 'automatic' | 'human') =>
  readdirSync(path.join(CORPUS, kind))
    .filter((f) => f.endsWith('.eml'))
    .sort();
const OURS = ['contact@anytown.gov.uk'];
const because = async (kind: 'automatic' | 'human', file: string) =>
  automaticBecause(await simpleParser(readFileSync(path.join(CORPUS, kind, file))), { ours: OURS });

describe('automatic mail is recognised by the standards and by what real auto-replies carry', () => {
  it('has a corpus of both kinds', () => {
    expect(files('automatic').length).toBeGreaterThanOrEqual(30);
    expect(files('human').length).toBeGreaterThanOrEqual(20);
  });

  it.each(files('automatic'))('automatic: %s is never answered', async (file) => {
    expect(await because('automatic', file)).not.toBeNull();
  });

  it.each(files('human'))('a person: %s is answered', async (file) => {
    expect(await because('human', file)).toBeNull();
  });
});
