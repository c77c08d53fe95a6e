// The follow-up's five-point answer in the words staff read (the customer was asked in theirs: customer-wording.json).
// Shared by the hub (services' copies of a hand-off) and the desk (the plan panel, the service view).

/** 1 … 5: how things are now compared with when the customer first got in touch. */
export const WELLBEING_WORDS = ['much worse', 'worse', 'about the same', 'better', 'much better'] as const;

/** "better (4 of 5)". */
export function wellbeingInWords(score: number): string {
  return `${WELLBEING_WORDS[score - 1] ?? 'unknown'} (${score} of 5)`;
}
