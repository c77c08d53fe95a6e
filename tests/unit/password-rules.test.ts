// New desk passwords: the most common passwords, and passwords made only of the council's, this system's or
// the person's own words, are refused with a reason; passwords of one's own words pass.
import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../agent-desk/server/password-rules.ts';

const context = { publicBaseUrl: 'https://contact.testford.gov.uk', displayName: 'Sam Patel', email: 'sam.patel@testford.gov.uk' };

describe('which new passwords are refused', () => {
  it.each([
    ['password1234', /most common/],
    ['qwertyuiop12', /most common/],
    ['123456789012', /most common/],
    ['Council2026!!', /most common|words of the council/],
    ['Contact-Hub-Admin-1', /words of the council/],
    ['testford testford', /words of the council/],
    ['welcome to the council', /words of the council/],
    ['SamPatel2026!', /most common|words of the council/],
    // Found by a tester: digits for letters, repeats, keyboard runs, common words joined.
    ['C0unc1l Hub 2026', /words of the council/],
    ['            ', /too few different characters/],
    ['1111111111111', /too few different characters/],
    ['abcabcabcabc', /too few different characters/],
    ['aaaaaaaaaaaa', /too few different characters/],
    ['qwertyuiopasdfgh', /most common/],
    ['Passw0rd!Passw0rd!', /most common|words of the council/],
    ['summer2026summer', /most common/],
  ])('%j is refused', (password, reason) => {
    expect(passwordProblem(password, context)).toMatch(reason);
  });

  it.each(['a long enough password', 'tall lanterns by the sea 1', 'correct horse battery staple', 'mango kettle orbit 77', '847362910384'])(
    '%j is accepted',
    (password) => {
      expect(passwordProblem(password, context)).toBeNull();
    },
  );

  it('refuses the names the desk shows (HUB_NAME, COUNCIL_NAME), which anyone who has seen it knows', () => {
    const named = { ...context, publicBaseUrl: 'https://hub.example.org', siteNames: ['Ask Anytown', 'Brackenford Borough Council'] };
    expect(passwordProblem('Brackenford Borough 2026', named)).toMatch(/words of the council, this system or your name/);
    expect(passwordProblem('AskAnytown!2026', named)).toMatch(/words of the council/);
    expect(passwordProblem('Brackenford Borough 2026', { ...named, siteNames: [] })).toBeNull();
  });
});
