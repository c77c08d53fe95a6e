// The needs conversation, driven turn by turn through the hub's Bot Framework adapter from tables of
// cases. The recognizer is passed in (as in the Bot Framework samples) so the dialog is tested on its own;
// the real detector has its own tests. State lives in the framework's storage and a new bot is built for
// every turn, so each case also shows the conversation surviving a restart between messages.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '@microsoft/agents-hosting';
import { createNeedsBot } from '../../hub/bot/bot.ts';
import { buildKnowledge, type Detection } from '../../hub/bot/knowledge.ts';
import type { Captured } from '../../hub/bot/needs-dialog.ts';
import { loadTaxonomy } from '../../hub/needs/taxonomy.ts';

const taxonomy = loadTaxonomy().needs;

const CUES: [RegExp, string][] = [
  [/evict|nowhere to stay|homeless/i, 'housing.homeless'],
  [/school/i, 'education.school'],
  [/rent|debt|arrears/i, 'money.debt'],
  [/\bbin\b/i, 'environment.waste'],
  [/council tax/i, 'money.council-tax'],
  [/hits? me|hurts? me/i, 'safety.domestic-abuse'],
];
// Kinds of danger, as the real detector names them: urgent ones, and signs that call for the safety question.
const DANGER: [RegExp, string][] = [
  [/outside the door now|got a knife/i, 'violence'],
  [/kill myself/i, 'suicide'],
  [/not breathing|collapsed/i, 'medical'],
];
const SIGNS: [RegExp, string][] = [
  [/found out where we are/i, 'violence'],
  [/he used to hit me/i, 'abuse'],
];
function detect(text: string): Detection {
  const codes = CUES.filter(([cue]) => cue.test(text)).map(([, code]) => code);
  const danger = DANGER.filter(([cue]) => cue.test(text)).map(([, kind]) => kind);
  const signs = danger.length ? [] : SIGNS.filter(([cue]) => cue.test(text)).map(([, kind]) => kind);
  if ((danger.length || signs.length) && codes.includes('safety.domestic-abuse')) (danger.length ? danger : signs).push('abuse');
  return {
    needs: codes.map((code) => ({ code, label: code, confidence: 1 })),
    urgent: danger.length > 0,
    safetyQuestion: signs.length > 0,
    danger: danger.length ? danger : signs,
  };
}
const knowledge = buildKnowledge({ detect, taxonomy });

type Step = [customer: string, bot: RegExp | null];
interface Case {
  name: string;
  channel?: 'sms' | 'webchat' | 'email' | 'voice';
  /** Whether the customer has a phone number or email on record (default: yes, as on SMS, calls and email). */
  reachable?: boolean;
  steps: Step[];
  outcome: Captured['outcome'];
  needs: string[];
  facts?: string[];
  consent?: boolean | null;
  urgent?: string[];
  /** Whether the last turn hands the needs straight to the services that own them. */
  share?: boolean;
}

const cases: Case[] = [
  {
    name: 'a person with linked needs: confirmed, related areas explored, facts and consent asked, then a summary',
    steps: [
      [
        'We have been evicted and have nowhere to stay tonight, my son needs a new school',
        /^It sounds like you need help with somewhere to live and a school place\. Is that right\? Reply Y or N\. If you are in danger now, call 999\.$/,
      ],
      [
        'yes',
        /^People in your situation often also need help with debts or arrears, benefits or being safe from abuse at home\. Is anything like that going on\? If not, reply NO\.$/,
      ],
      ['we are behind on the rent as well', /date you have to leave by/],
      ['Friday', /Who lives with you\?/],
      ['me and my two boys, 7 and 12', /Can we share what you have told us with the teams who can help.*Reply Y or N\./],
      [
        'Yes',
        /^Thank you\. We have noted that you need help with somewhere to live, a school place and debts or arrears\. .*not need to tell your story again\. If you are in danger at any time, call 999\.$/,
      ],
    ],
    outcome: 'complete',
    needs: ['housing.homeless', 'education.school', 'money.debt'],
    facts: ['deadline', 'household'],
    consent: true,
  },
  {
    name: '"yes, and …" adds what follows, and a fact already given is not asked again',
    steps: [
      ['We have been evicted, it is me and my two kids', /somewhere to live\. Is that right\?/],
      ['Yes, and we are behind on the rent', /^People in your situation often also need help with benefits, being safe from abuse at home or a school place\./],
      ['no', /date you have to leave by/],
      ['Friday', /^Can we share what you have told us/],
      ['yes', /somewhere to live and debts or arrears/],
    ],
    outcome: 'complete',
    needs: ['housing.homeless', 'money.debt'],
    facts: ['deadline', 'household'],
    consent: true,
  },
  {
    name: 'a safe way to contact them, said in passing, is kept in their words, and its number as how to reach them',
    channel: 'webchat',
    steps: [['we have been evicted. text only please, 07911 200411', /somewhere to live/]],
    outcome: null,
    needs: ['housing.homeless'],
    facts: ['contact', 'safeContact'],
  },
  {
    name: 'a web-chat visitor with no phone or email on record is asked how the team can reach them, before consent',
    channel: 'webchat',
    reachable: false,
    steps: [
      [
        'We have been evicted and have nowhere to stay tonight, my son needs a new school',
        /somewhere to live and a school place\. Is that right\? Reply YES or NO\./,
      ],
      ['yes', /People in your situation/],
      ['no', /date you have to leave by/],
      ['Friday', /Who lives with you\?/],
      ['me and my son', /^How can the team contact you later\? Give a phone number or email, and anything they should know, for example: text only\.$/],
      ['text only, 07911 200411', /^Can we share what you have told us/],
      ['yes', /We have noted that you need help with/],
    ],
    outcome: 'complete',
    needs: ['housing.homeless', 'education.school'],
    facts: ['contact', 'deadline', 'household', 'safeContact'],
    consent: true,
    share: true,
  },
  {
    name: 'a number already given is not asked for again, and a report about a place also waits for a way to reach them',
    channel: 'webchat',
    reachable: false,
    steps: [
      ['my bin wasnt collected at 12 Elm Road, you can call me on 07911 200412', /bins and waste\. Is that right\?/],
      ['yes', /^Thank you\. We have noted that you need help with bins and waste\./],
    ],
    outcome: 'complete',
    needs: ['environment.waste'],
    facts: ['address', 'contact'],
    share: true,
  },
  {
    name: 'a report about a place from someone the team cannot reach: the place, then how to reach them',
    channel: 'webchat',
    reachable: false,
    steps: [
      ['my bin wasnt collected', /bins and waste\. Is that right\?/],
      ['yes', /address or street/],
      ['outside number 4, Mill Lane', /^How can the team contact you later\?/],
      ['ann@example.org', /^Thank you\. We have noted that you need help with bins and waste\./],
    ],
    outcome: 'complete',
    needs: ['environment.waste'],
    facts: ['address', 'contact'],
    share: true,
  },
  {
    name: 'danger in the first message stops the script: 999 and the helpline at once',
    steps: [
      [
        'he hits me and he is outside the door now',
        /^Call 999 and ask for the police\..*press 55.* National Domestic Abuse Helpline: 0808 2000 247.*passing you to a person now, first in the queue\.$/,
      ],
    ],
    outcome: 'urgent',
    needs: ['safety.domestic-abuse'],
    urgent: ['safety.domestic-abuse'],
  },
  {
    name: 'danger in the middle of the conversation stops it too',
    steps: [
      ['I am behind with my rent', /It sounds like you need help with debts or arrears/],
      ['yes', /People in your situation/],
      [
        'honestly I want to kill myself',
        /^If your life is in danger now, call 999\. You can talk to Samaritans free, day or night, on 116 123\. I am passing you/,
      ],
    ],
    outcome: 'urgent',
    needs: ['money.debt'],
  },
  {
    name: 'a medical emergency gets the ambulance, not a suicide line',
    steps: [['my dad has collapsed and is not breathing', /^Call 999 now and ask for an ambulance\.(?!.*Samaritans).*first in the queue\.$/]],
    outcome: 'urgent',
    needs: [],
  },
  {
    name: 'a sign of possible danger: the safety question comes first, and yes means a person now with the right advice',
    steps: [
      [
        'he used to hit me and he found out where we are staying',
        /^Before anything else: are you, or is anyone with you, in danger right now\? Reply Y or N\.$/,
      ],
      ['Y', /^Call 999 and ask for the police\..*National Domestic Abuse Helpline: 0808 2000 247.*first in the queue\.$/],
    ],
    outcome: 'urgent',
    needs: ['safety.domestic-abuse'],
    urgent: ['safety.domestic-abuse'],
  },
  {
    name: 'safe for now: the conversation carries on from the first message, keeping the safety need',
    steps: [
      ['he used to hit me and now I am homeless with the kids', /^Before anything else: are you, or is anyone with you, in danger right now\? Reply Y or N\.$/],
      [
        'no we are safe at my mums',
        /^Thank you\. If that changes, call 999 straight away\.\nIt sounds like you need help with somewhere to live and being safe from abuse at home\. Is that right\? Reply Y or N\.$/,
      ],
      ['yes', /People in your situation/],
    ],
    outcome: null,
    needs: ['housing.homeless', 'safety.domestic-abuse'],
  },
  {
    name: 'asking for a person instead of answering the safety question: put through at once, first in the queue',
    steps: [
      [
        'he used to hit me and he found out where we are staying',
        /^Before anything else: are you, or is anyone with you, in danger right now\? Reply Y or N\.$/,
      ],
      ['agent', /I am passing you to a person now, first in the queue, to check you are safe\.$/],
    ],
    outcome: 'urgent',
    needs: ['safety.domestic-abuse'],
    urgent: ['safety.domestic-abuse'],
  },
  {
    name: 'a sign of danger in the middle: asked about first, then the question that was waiting is asked again',
    steps: [
      ['I am behind with my rent', /Is that right\?/],
      ['yes, and he found out where we are living', /^Before anything else: are you, or is anyone with you, in danger right now\?/],
      ['no', /^Thank you\. If that changes, call 999 straight away\.\nIt sounds like you need help with debts or arrears\. Is that right\?/],
    ],
    outcome: null,
    needs: ['money.debt'],
  },
  {
    name: 'no clear answer to the safety question, twice: a person checks, first in the queue',
    channel: 'voice',
    steps: [
      [
        'he found out where we are staying',
        /^Before anything else: are you, or is anyone with you, in danger right now\? Say yes or no, or press 1 for yes and 2 for no\.$/,
      ],
      ['what do you mean', /^I need to check: is anyone in danger right now\? Say yes or no/],
      ['I do not know', /first in the queue, to check you are safe\.$/],
    ],
    outcome: 'urgent',
    needs: [],
  },
  {
    name: 'an email with a sign of danger leads with the advice for it',
    channel: 'email',
    steps: [
      [
        'Dear council, he found out where we are staying and we have been evicted. Ann',
        /^Thank you for your email\.\n\nIf you, or anyone with you, is in danger right now: Call 999 and ask for the police\./s,
      ],
    ],
    outcome: 'complete',
    needs: ['housing.homeless'],
  },
  {
    name: 'asking for a person at any point hands over with the needs found so far',
    steps: [
      ['my landlord evicted us', /It sounds like you need help with somewhere to live/],
      ['can I speak to someone please', /^I am passing you to a person now\. They will see what you have told me/],
    ],
    outcome: 'asked-for-person',
    needs: ['housing.homeless'],
  },
  {
    name: 'pressing 0 on a phone keypad also reaches a person',
    steps: [['0', /passing you to a person/]],
    outcome: 'asked-for-person',
    needs: [],
  },
  {
    name: 'a report about a place: no exploring, no consent question, but the place is asked for',
    steps: [
      ['my bin wasnt collected again', /It sounds like you need help with bins and waste\. Is that right\?/],
      ['y', /^What is the address or street\? If there is no house number, tell us something nearby/],
      ['14 Orchard Close', /^Thank you\. We have noted that you need help with bins and waste\./],
    ],
    outcome: 'complete',
    needs: ['environment.waste'],
    facts: ['address'],
    consent: null,
    share: true,
  },
  {
    name: 'a place already given in the first message is not asked for',
    steps: [
      ['my bin wasnt collected at 12 Elm Road', /bins and waste\. Is that right\?/],
      ['y', /^Thank you\. We have noted that you need help with bins and waste\./],
    ],
    outcome: 'complete',
    needs: ['environment.waste'],
    facts: ['address'],
    share: true,
  },
  {
    name: 'an email about a missed bin asks for the place in its one reply, and waits for it before handing on',
    channel: 'email',
    steps: [
      [
        'My bin was not collected on Tuesday.',
        /^Thank you for your email\.\n\nFrom what you wrote, we understand you need help with bins and waste\.\n\nThe teams who can help will need to know:\n- What is the address or street\?.*\n\nA person from our team will pick this up and reply\./s,
      ],
    ],
    outcome: 'complete',
    needs: ['environment.waste'],
    facts: [],
    share: false,
  },
  {
    name: 'an email about a missed bin that gives the place goes straight on',
    channel: 'email',
    steps: [
      [
        'My bin was not collected on Tuesday. We are at 8 Sycamore Drive, LS6 2AB.',
        /^Thank you for your email\.\n\nFrom what you wrote, we understand you need help with bins and waste\.\n\nA person from our team/,
      ],
    ],
    outcome: 'complete',
    needs: ['environment.waste'],
    facts: ['address'],
    share: true,
  },
  {
    name: 'council tax is about the person, not a place: simple, but shared only with a yes',
    steps: [
      ["I'm behind on my council tax and got a summons", /It sounds like you need help with council tax\. Is that right\?/],
      ['y', /^Can we share what you have told us with the teams who can help.*Reply Y or N\.$/],
      ['n', /We will not share it without asking you\./],
    ],
    outcome: 'complete',
    needs: ['money.council-tax'],
    consent: false,
    share: false,
  },
  {
    name: 'council tax said yes to sharing: handed on',
    channel: 'voice',
    steps: [
      ['I cannot pay my council tax this month', /council tax\. Is that right\? Say yes or no/],
      ['[pressed 1]', /^Can we share what you have told us.*Say yes or no, or press 1 for yes and 2 for no\.$/],
      ['[pressed 1]', /We have noted that you need help with council tax/],
    ],
    outcome: 'complete',
    needs: ['money.council-tax'],
    consent: true,
    share: true,
  },
  {
    name: 'an email about council tax asks for consent in its one reply, and hands nothing on',
    channel: 'email',
    steps: [
      [
        "Dear council, I'm behind on my council tax and got a summons. Sam",
        /\n\nCan we share what you tell us with the teams who can help, so they do not ask you again\? Please say yes or no in your reply\.\n\n/,
      ],
    ],
    outcome: 'complete',
    needs: ['money.council-tax'],
    consent: null,
    share: false,
  },
  {
    name: 'when nothing is recognised it asks once more, then passes to a person',
    steps: [
      // The first question always says where to turn in an emergency: the detector can miss danger.
      ['hello', /^I am here to help\. Can you tell me a bit more about what is happening\? If you are in danger now, call 999\.$/],
      ['its complicated', /^Thank you\. I am passing you to a person who can help\.$/],
    ],
    outcome: 'unclear',
    needs: [],
  },
  {
    name: 'a wrong guess is corrected in the customer’s own words, which replace it',
    steps: [
      ['we might be evicted', /somewhere to live\. Is that right\?/],
      ['no', /^Sorry I got that wrong\. In a few words, what do you need help with\?$/],
      [
        'I need a school place for my daughter',
        /People in your situation often also need help with somewhere to live, special educational needs support or childcare/,
      ],
      // Facts in the order related-needs.json lists them: a deadline before the children's school.
      ['no', /date you have to leave by, or another deadline/],
      ['september', /How old are the children/],
      ['she is 11', /Can we share/],
      ['no', /We will not share it without asking you\./],
    ],
    outcome: 'complete',
    needs: ['education.school'],
    facts: ['school', 'deadline'],
    consent: false,
  },
  {
    name: 'a first email gets one complete reply: what we understood, related areas, questions, consent, next steps',
    channel: 'email',
    steps: [
      [
        'Dear council, we have been evicted and my son needs a new school. Regards, Ann',
        /^Thank you for your email\.\n\nFrom what you wrote, we understand you need help with somewhere to live and a school place\.\n\nPeople in your situation often also need help with debts or arrears, benefits or being safe from abuse at home\. .*\n\nThe teams who can help will need to know:\n- Is there a date you have to leave by.*\n- Who lives with you\?.*\n- How old are the children.*\n\nCan we share .*Please say yes or no in your reply\.\n\nA person from our team will pick this up and reply\.\n\nIf you or someone else is in danger at any time, call 999\.$/s,
      ],
    ],
    outcome: 'complete',
    needs: ['housing.homeless', 'education.school'],
  },
  {
    name: 'an email showing danger gets 999 and the helpline first',
    channel: 'email',
    steps: [
      [
        'He hits me and he is outside the door now, please help',
        /^Thank you for your email\.\n\nCall 999 and ask for the police\..* National Domestic Abuse Helpline.*A person from our team will reply as soon as possible\.$/s,
      ],
    ],
    outcome: 'urgent',
    needs: ['safety.domestic-abuse'],
  },
  {
    name: 'an SMS opt-out word silences the bot and passes the conversation to a person',
    steps: [
      ['my bin was not collected', /Reply Y or N\./],
      ['STOP', null],
    ],
    outcome: 'opted-out',
    needs: ['environment.waste'],
  },
  {
    name: 'on a call the prompts are spoken, and keys answer them: 1 for yes, 2 for no',
    channel: 'voice',
    steps: [
      [
        'my bin was not collected',
        /^It sounds like you need help with bins and waste\. Is that right\? Say yes or no, or press 1 for yes and 2 for no\. If you are in danger now, call 999\.$/,
      ],
      ['[pressed 7]', /^Please say yes or no, or press 1 for yes and 2 for no\.$/],
      ['[pressed 1]', /^What is the address or street\?/],
      ['twelve elm road', /^Thank you\. We have noted that you need help with bins and waste\./],
    ],
    outcome: 'complete',
    needs: ['environment.waste'],
  },
  {
    name: 'on a call, 2 is no',
    channel: 'voice',
    steps: [
      ['we are being evicted', /Is that right\?/],
      ['[pressed 2]', /^Sorry I got that wrong\./],
    ],
    outcome: null,
    needs: ['housing.homeless'],
  },
  {
    name: 'an answer that is neither yes nor no is asked again, plainly',
    steps: [
      ['my bin was missed', /Is that right\? Reply Y or N\. If you are in danger now, call 999\.$/],
      ['purple', /^Please reply Y or N\.$/],
      ['yes', /address or street/],
      ['outside number 4', /We have noted that you need help with bins and waste/],
    ],
    outcome: 'complete',
    needs: ['environment.waste'],
  },
];

describe('the needs conversation', () => {
  it('has plain words for every need in the taxonomy, for talking to customers', () => {
    const { say } = JSON.parse(readFileSync(new URL('../../hub/bot/related-needs.json', import.meta.url), 'utf8')) as { say: Record<string, string> };
    expect(taxonomy.map((n) => n.code).filter((code) => !say[code])).toEqual([]);
  });

  it.each(cases)('$name', async (c) => {
    const storage = new MemoryStorage();
    const conversationId = randomUUID();
    let last: Awaited<ReturnType<ReturnType<typeof createNeedsBot>['turn']>> | undefined;
    for (const [said, expected] of c.steps) {
      // A new bot each turn: nothing is remembered in memory, only in storage.
      last = await createNeedsBot(knowledge).turn(
        { conversationId, customerId: 'customer-1', channel: c.channel ?? 'sms', messageId: randomUUID(), text: said, reachable: c.reachable ?? true },
        storage,
      );
      const replies = last.replies.map((r) => r.text).join('\n');
      if (expected) expect(replies, `after "${said}"`).toMatch(expected);
    }
    expect(last!.captured.outcome).toBe(c.outcome);
    expect(Object.keys(last!.captured.needs).sort()).toEqual([...c.needs].sort());
    if (c.facts) expect(Object.keys(last!.captured.facts).sort()).toEqual([...c.facts].sort());
    if (c.consent !== undefined) expect(last!.captured.consent).toBe(c.consent);
    for (const code of c.urgent ?? []) expect(last!.captured.needs[code]?.urgent).toBe(true);
    if (c.share !== undefined) expect(last!.shareWithServices).toBe(c.share);
    expect(last!.captured.urgent).toBe(c.outcome === 'urgent');
  });

  it('finds a place already given in the customer’s words: a postcode, a house and street, a street, a landmark', () => {
    for (const said of [
      'my bin is at LS6 2AB',
      'my bin wasnt collected at 12 Elm Road',
      'there is a pothole on Station Street',
      'fly-tipping outside number 4',
      'the street light near Tesco car park is out',
    ])
      expect(knowledge.factsIn(said).address, said).toBe(said);
    for (const said of [
      'my bin wasnt collected again',
      'there is a pothole on the main road',
      'I have 2 kids in the house',
      'text only, 07911 200411',
      'call me after 5pm',
    ])
      expect(knowledge.factsIn(said).address, said).toBeUndefined();
  });

  it('yes/no questions carry suggested replies for channels that show buttons', async () => {
    const result = await createNeedsBot(knowledge).turn(
      { conversationId: randomUUID(), customerId: 'c', channel: 'webchat', messageId: randomUUID(), text: 'my bin was missed', reachable: false },
      new MemoryStorage(),
    );
    expect(result.replies).toEqual([{ text: expect.stringMatching(/Is that right\?/), suggestions: ['Yes', 'No'] }]);
  });

  it('refuses related-needs data that names a code the taxonomy does not have', () => {
    expect(() => buildKnowledge({ detect, taxonomy, relatedNeeds: { facts: {}, needs: { 'housing.castle': { related: [], facts: [] } } } })).toThrow(
      /"housing.castle" is not a code/,
    );
    expect(() => buildKnowledge({ detect, taxonomy, relatedNeeds: { facts: {}, needs: { 'housing.repairs': { related: [], facts: ['shoeSize'] } } } })).toThrow(
      /fact "shoeSize"/,
    );
    expect(() => buildKnowledge({ detect, taxonomy, relatedNeeds: { say: { 'housing.castle': 'a castle' }, facts: {}, needs: {} } })).toThrow(
      /"housing.castle" \(under say\)/,
    );
    expect(() => buildKnowledge({ detect, taxonomy, relatedNeeds: { facts: {}, needs: {}, placeReports: ['environment.castle'] } })).toThrow(
      /"environment.castle" \(under placeReports\)/,
    );
  });
});
