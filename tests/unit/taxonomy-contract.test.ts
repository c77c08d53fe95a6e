// The needs taxonomy's codes are a contract: stored needs, hand-offs, directories and reports name them. The
// project keeps its own copy (hub/data/needs-taxonomy.json); it may gain codes, but every code it had stays.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TAXONOMY_PATH, loadTaxonomy } from '../../hub/needs/taxonomy.ts';

/** The codes of version 1, as copied from the council's shared taxonomy. */
const VERSION_1 = [
  'housing.homeless',
  'housing.repairs',
  'housing.unsuitable',
  'money.benefits',
  'money.debt',
  'money.council-tax',
  'money.crisis',
  'food.insecurity',
  'work.employment',
  'safety.domestic-abuse',
  'safety.personal',
  'safety.child-protection',
  'health.physical',
  'health.mental',
  'health.substance',
  'care.adult',
  'care.carer',
  'care.disability',
  'education.school',
  'education.send',
  'family.childcare',
  'community.isolation',
  'legal.immigration',
  'legal.crime-victim',
  'environment.waste',
  'environment.street',
];

describe('the needs taxonomy in the repository', () => {
  it('is inside the checkout and keeps every code of version 1', () => {
    const taxonomy = loadTaxonomy();
    expect(DEFAULT_TAXONOMY_PATH.startsWith(process.cwd())).toBe(true);
    expect(taxonomy.version).toBeGreaterThanOrEqual(1);
    const codes = taxonomy.needs.map((n) => n.code);
    expect(VERSION_1.filter((code) => !codes.includes(code))).toEqual([]);
  });
});
