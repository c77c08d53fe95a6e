import { describe, expect, it } from 'vitest';
import { interpretQuery, normalisePostcode } from '../../hub/identity/search.ts';

describe('interpretQuery: what an agent types → how it is matched', () => {
  it.each([
    ['07911 123456', { phone: '+447911123456' }],
    ['+44 (0)7911 123-456', { phone: '+447911123456' }],
    ['0044 7911 123456', { phone: '+447911123456' }],
    ['Jane.Smith@Example.ORG ', { email: 'jane.smith@example.org' }],
    ['sw1a1aa', { postcode: 'SW1A 1AA', name: 'sw1a1aa' }],
    ['Jane', { name: 'Jane' }],
    ['12345678', {}],
  ])('%s → %j', (query, expected) => expect(interpretQuery(query, 'GB')).toEqual(expected));
});

describe('normalisePostcode', () => {
  it.each([
    ['sw1a 1aa', 'SW1A 1AA'],
    [' M1  1AE ', 'M1 1AE'],
    ['B338TH', 'B33 8TH'],
    ['not a postcode', null],
    ['SW1A', null],
  ])('%s → %s', (raw, expected) => expect(normalisePostcode(raw)).toBe(expected));
});
