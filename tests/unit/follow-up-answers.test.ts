// Reading answers to the follow-up questions as people type or tap them; anything else is not an answer.
import { describe, expect, it } from 'vitest';
import { readWellbeing, readWhichHelped, readYesNo, skipsComment } from '../../hub/followup/answers.ts';

describe('how things are now (1–5)', () => {
  it('takes a number, a tapped button, or the plain words', () => {
    for (const [text, score] of [
      ['4', 4],
      [' 5 ', 5],
      ['4 Better', 4],
      ['3 About the same', 3],
      ['1 - really bad', 1],
      ['Much better thanks', 5],
      ['better', 4],
      ['worse', 2],
      ['a lot worse', 1],
      ['about the same', 3],
      ['no change', 3],
    ] as const)
      expect(readWellbeing(text), text).toBe(score);
  });
  it('is not an answer when it is not one of them', () => {
    for (const text of ['', '6', '0', '10', '4.5', '2/5', 'hello', 'who is this?', 'I got evicted again last week and need to talk to someone', 'not sure'])
      expect(readWellbeing(text), text).toBeNull();
  });
});

describe('did the service help', () => {
  it('takes 1 or 2, and yes or no in words', () => {
    for (const text of ['1', '1 Yes', 'yes', 'Yeah they did', 'Y']) expect(readYesNo(text), text).toBe(true);
    for (const text of ['2', '2 No', 'no', 'Not really', 'nope']) expect(readYesNo(text), text).toBe(false);
    for (const text of ['3', 'maybe', 'now I need help with something else', '12']) expect(readYesNo(text), text).toBeNull();
  });
  it('takes the numbers of the services that helped, none, or all', () => {
    expect(readWhichHelped('1 3', 3)).toEqual(new Set([1, 3]));
    expect(readWhichHelped('1,3', 3)).toEqual(new Set([1, 3]));
    expect(readWhichHelped('1 and 3', 3)).toEqual(new Set([1, 3]));
    expect(readWhichHelped('2 Money Advice', 3)).toEqual(new Set([2]));
    expect(readWhichHelped('0', 3)).toEqual(new Set());
    expect(readWhichHelped('0 None of them', 3)).toEqual(new Set());
    expect(readWhichHelped('none', 2)).toEqual(new Set());
    expect(readWhichHelped('both', 2)).toEqual(new Set([1, 2]));
    expect(readWhichHelped('all of them', 3)).toEqual(new Set([1, 2, 3]));
  });
  it('is not an answer with a number that is not on the list, or words alone', () => {
    for (const text of ['4', '1 4', 'the housing one', '']) expect(readWhichHelped(text, 3), text).toBeNull();
  });
});

describe('anything else to say', () => {
  it('finishes on 0, no, nothing, or the finish button', () => {
    for (const text of ['0', 'no', 'Nothing.', 'no thanks', '0 Finish', 'finish']) expect(skipsComment(text, '0 Finish'), text).toBe(true);
    for (const text of ['no, but the letter never came', 'Thank you all so much']) expect(skipsComment(text, '0 Finish'), text).toBe(false);
  });
});
