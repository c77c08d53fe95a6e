// The needs detector from tables of cases: several needs in one message, SMS shorthand, speech without
// punctuation, long emails, urgency and its near misses; and the data checks that refuse bad files.
// These sentences are written for this file (not in the training data or the labelled sets).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_FILES, expandTerms, loadNeedsData, type NeedsData } from '../../hub/needs/data.ts';
import { buildDetector, type NeedsDetector } from '../../hub/needs/detector.ts';
import { fileModelStore } from '../../hub/needs/model-store.ts';
import { DEFAULT_TAXONOMY_PATH, NeedsDataError, loadTaxonomy } from '../../hub/needs/taxonomy.ts';
import { dropDisfluencies, expandShorthand, pieces, stripEmailFurniture } from '../../hub/needs/text.ts';

let data: NeedsData;
let detector: NeedsDetector;
beforeAll(() => {
  data = loadNeedsData();
  detector = buildDetector(data, { store: fileModelStore() });
});

const codes = (text: string) =>
  detector
    .detect(text)
    .needs.map((n) => n.code)
    .sort();

describe('detectNeeds: what is found', () => {
  it.each([
    ['one simple need', 'Please can I order a new green wheelie bin, ours has cracked', ['environment.waste']],
    ['a pothole', 'There is a huge pot hole on Chapel Road that burst my tyre', ['environment.street']],
    ['council tax', 'How do I set up monthly payments for my council tax?', ['money.council-tax']],
    ['two needs joined by "and"', 'we have been served an eviction notice and i have no money for food this week', ['food.insecurity', 'housing.homeless']],
    [
      'two needs in two sentences',
      'My husband is very controlling and frightens me. I also need help claiming universal credit.',
      ['money.benefits', 'safety.domestic-abuse'],
    ],
    [
      'three needs in one breath (speech)',
      'yeah i lost my job last month and now i am behind with the rent and my daughter needs a nursery place',
      ['family.childcare', 'money.debt', 'work.employment'],
    ],
    ['SMS shorthand', 'pls cn u help, evicted 2day n got nowhere 2 stay 2nite', ['housing.homeless']],
    ['SMS shorthand and a typo', 'ur ppl didnt empty my recyling agen', ['environment.waste']],
  ])('%s', (_label, text, expected) => {
    expect(codes(text)).toEqual(expected);
  });

  it('reads a long email past its greeting, signature and disclaimer', () => {
    const email = [
      'Dear Council,',
      '',
      'I am 82 and since my fall in the spring I cannot get in and out of the bath. My daughter says I should ask for a walk-in shower or a bath lift.',
      '',
      'Yours sincerely,',
      'Edna Morris',
      'Flat 3, Beech Court',
      'This message is confidential. If you are not the intended recipient please delete it. Universal credit council tax eviction food bank.',
    ].join('\n');
    const found = codes(email);
    expect(found).toContain('care.disability');
    // Nothing from the disclaimer's words.
    expect(found.filter((code) => code.startsWith('money.') || code.startsWith('housing.') || code === 'food.insecurity')).toEqual([]);
  });

  it('finds nothing in a message that carries no need', () => {
    expect(detector.detect('Hello, thank you for getting back to me so quickly.')).toEqual({ needs: [], urgent: false, safetyQuestion: false, danger: [] });
  });

  it('finds no need in spam or in thanks for something already done, but does when they also ask or tell of a problem', () => {
    // Each of these found a need before: "care package", "rebate" and "bin" carry one on their own.
    expect(codes('Well done you have won a £300 council tax rebate! Claim now at refund-now.example before midnight. Txt STOP to opt out')).toEqual([]);
    expect(codes('Hello, just a note to say thank you to Marcus from the care team who set up Dad’s care package in the spring. Dad is very happy.')).toEqual(
      [],
    );
    expect(codes('Thanks to the crew who emptied our bins on Friday in the pouring rain, brilliant service')).toEqual([]);
    expect(codes("Just a quick note to thank the team who fixed our roof in October, the kids' bedroom is lovely and dry now")).toEqual([]);
    // Holdout 17's two no-need misses at first sight (session 23), said otherwise: thanks for a repair now "working
    // again", and a report taken back because it is sorted; and the same with a problem still there.
    expect(codes('Thank you!! Man came and fixed the shower this morning, finally hot water again')).toEqual([]);
    expect(codes('just ringing to say ignore my email from earlier about the fly tipping, someone has been and cleared it, sorry to waste your time')).toEqual(
      [],
    );
    expect(codes('please ignore my last email about the bin, but there is a huge pothole on Mill Lane that has burst my tyre')).toContain('environment.street');
    // Holdout 20's one no-need miss (session 23), said otherwise: praise with no "thank you" in it.
    expect(codes('Just wanted to say the carer who comes to my nan in the mornings, Precious, is brilliant. Nan looks forward to it every day.')).toEqual([]);
    // Holdout 21's no-need miss (session 23), said otherwise: a supplier's sales email.
    expect(
      codes(
        'Dear Procurement Team, We are a leading UK supplier of energy-efficient street lighting columns and smart lamp posts, trusted by over 40 local authorities. We would welcome the opportunity to arrange a 15-minute call to discuss savings. Best regards',
      ),
    ).toEqual([]);
    // Holdout 22's no-need miss at first sight (session 24), said otherwise: the thanks comes after the news.
    expect(codes("Hiya, I'm ringing to say Mum's carers have started and the care package is working well, thank you")).toEqual([]);
    // A wrong number (holdout 20's other miss, session 23, which came back with session 24's training), said otherwise.
    expect(codes('Oh hello, sorry, wrong number I think, I wanted the garage on, er, Station Road?')).toEqual([]);
    // A licence is a council service, not a need ("temporary" read as homelessness before).
    expect(codes('How do I apply for a temporary event notice to sell alcohol at the church summer fair in July?')).toEqual([]);
    // A planning application is a council service, not a need (holdouts 25 and 28's no-need misses, said otherwise);
    // but not when the same message tells of a problem at home.
    expect(codes('I would like to comment on planning application 25/00412/HOU, the new fence will overshadow our patio')).toEqual([]);
    expect(codes('Do I need planning permission for a dropped kerb outside my house?')).toEqual([]);
    expect(codes('I want to object to the planning application next door, and our council flat has had damp and mould for months')).toContain(
      'housing.repairs',
    );
    // Thanks, then a problem still there; spam the sender asks about in their own voice.
    expect(codes('Thanks for sorting the bin last week but our bin was missed again this week')).toContain('environment.waste');
    expect(codes('I got a text saying claim now for a council tax rebate, is it real? I am behind on my council tax')).toContain('money.council-tax');
  });

  it('reads a short answer about the household as no need, not a child at risk to ask about', () => {
    // Session 24's training put child protection at 0.35 for this answer to "who lives with you?": over the short
    // message's 0.35, under the doubt (0.4) that asks anyway.
    const d = detector.detect('me and my 2 kids');
    expect(d.needs).toEqual([]);
    expect(d.safetyQuestion).toBeFalsy();
  });

  it('finds no need in registering a birth or death, but does when money or help comes into it', () => {
    // A hospital and a doctor read as a health need without the neutral kind.
    expect(codes("er hello I'm ringing to register my mum's death she passed away on Monday at the hospital and the doctor's done the paperwork")).toEqual([]);
    expect(codes('can I book a wedding at the town hall for next August?')).toEqual([]);
    expect(codes("I need to register my husband's death but his pension has stopped and I have no money for food or the electric")).toContain('money.crisis');
    expect(codes("I need to register my dad's death, and I'm struggling to pay the council tax on his house")).toEqual(['money.council-tax']);
  });

  it('finds the one need of a short message even when the model is not sure of it', () => {
    // Too few words for similar messages to vote, and one word of need: reported from a lower score.
    expect(codes("I've got damp")).toEqual(['housing.repairs']);
    expect(codes('mum needs a stair lift')).toEqual(['care.disability']);
    expect(codes('hello is that the council?')).toEqual([]);
  });

  it('gives each need its label from the taxonomy and a confidence between 0 and 1, most confident first', () => {
    const { needs } = detector.detect('my boiler is broken and I have been made redundant');
    expect(needs.length).toBeGreaterThanOrEqual(2);
    for (const need of needs) {
      expect(need.label).toBe(data.taxonomy.needs.find((n) => n.code === need.code)!.label);
      expect(need.confidence).toBeGreaterThan(0);
      expect(need.confidence).toBeLessThanOrEqual(1);
    }
    expect(needs.map((n) => n.confidence)).toEqual([...needs.map((n) => n.confidence)].sort((a, b) => b - a));
  });

  it('is pure: the same text gives the same answer, and nothing of a message is kept', () => {
    const text = 'my zyxwvut neighbour keeps shouting at me';
    const first = detector.detect(text);
    expect(detector.detect(text)).toEqual(first);
    expect(JSON.stringify(detector.explain('hello'))).not.toMatch(/zyxwvut/);
  });
});

describe('detectNeeds: urgency', () => {
  it.each([
    ['violence now', 'he is punching me right now please send help'],
    ['the abuser at the door', 'my ex is outside my flat trying to kick the door in'],
    ['self-harm intent (SMS)', 'i cant do this any more im going to kill myself'],
    ['a plan to die, no punctuation', 'i have saved up all my tablets and i am going to take them tonight i just want to die'],
    ['a child in danger now', 'a toddler has been left alone in a car in the car park and it is boiling hot'],
    ['a medical emergency', 'my dad has collapsed and he is not breathing'],
    ['a weapon', 'a lad has pulled a knife on my son outside the shop'],
    ['fear for one’s life', 'I am terrified for my life, he has said he will kill me when he gets out tonight'],
  ])('flags %s', (_label, text) => {
    expect(detector.detect(text).urgent).toBe(true);
  });

  it('flags every urgency example the taxonomy gives', () => {
    for (const example of data.taxonomy.urgency.examples) expect({ example, urgent: detector.detect(example).urgent }).toEqual({ example, urgent: true });
  });

  it.each([
    [
      'past abuse, safe now',
      'my ex used to beat me but I have been safe in a refuge for a year, I need a flat of my own',
      ['housing.homeless', 'safety.domestic-abuse'],
    ],
    ['suicidal feelings years ago', 'I was suicidal years ago and I am fine now, I am writing about a missed bin', ['environment.waste']],
    ['a crime in the past', 'I was attacked last year and the case is going to court next month', ['legal.crime-victim']],
    ['getting in touch is not breaking in', 'I have been trying to get in touch with housing about my damp', ['housing.repairs']],
    // "Fitting" read as a seizure flagged this urgent before (a tester, session 24).
    ['a shower fitting', 'my dad has dementia and needs a walk-in shower fitting and a grab rail', ['care.adult', 'care.disability']],
  ])('does not flag %s, but still finds its needs', (_label, text, expected) => {
    const detection = detector.detect(text);
    expect(detection.urgent).toBe(false);
    expect(detection.needs.map((n) => n.code).sort()).toEqual(expected);
  });

  it('reports the need a danger rule shows for certain, even if the model is unsure', () => {
    const detection = detector.detect('going to end my life tonight');
    expect(detection.urgent).toBe(true);
    expect(detection.needs.map((n) => n.code)).toContain('health.mental');
  });

  it('reports mental health for goodbye words it asks about, whatever the person goes on to answer', () => {
    const detection = detector.detect('tell Dave he can have the van and all the tools. goodbye everyone');
    expect(detection.urgent).toBe(false);
    expect(detection.safetyQuestion).toBe(true);
    expect(detection.needs.map((n) => n.code)).toContain('health.mental');
  });
});

describe('detectNeeds: urgency rules built from meaning', () => {
  // Written for this file, phrased unlike the labelled sets: present danger + a person, weapon or harm verb,
  // self-harm intent or an act just done, a child in danger now, medical emergencies. Not tuned on any fixture.
  it.each([
    ['overdose, SMS', 'swallowed a whole packet of paracetamol about an hour ago'],
    ['overdose with drink', 'i took all mums pills and a load of wine im so sorry'],
    ['overdose shorthand', 'think ive od on my meds feel weird'],
    ['plan with means', 'ive got the rope ready and im going to do it when they are asleep'],
    ['saved tablets', 'been saving up my tablets for weeks and tonight is the night'],
    ['jumping', 'im going to jump off the bridge on the ring road'],
    ['at the edge', 'i am standing on the railway line waiting'],
    ['cannot stay safe', "I don't think I can keep myself safe until morning"],
    ['scared of what I might do', "i'm scared of what i might do to myself tonight"],
    ['someone else suicidal', 'my sister says she is going to kill herself and she has locked her door'],
    ['goodbye text', 'my son just sent me a text saying goodbye and sorry for everything, he is not answering'],
    ['no reason to live', 'there is no point going on, everyone would be better off without me'],
    ['knife in hand', 'my stepdad is holding a knife and screaming at my mum'],
    ['weapon at the door', 'there is a lad with a machete outside the door'],
    ['held against will', "he's taken my phone and won't let me out of the house"],
    ['pinned down', 'he had his hands round my neck, i got away and im hiding in the toilet'],
    ['threat of arson', 'she said she will set fire to the flat with me in it'],
    ['stalker outside', 'my ex is sat outside in his car watching the house again'],
    ['violence in progress (speech)', 'theyre fighting in the street outside and one of them is kicking a man on the floor'],
    ['being hit now', 'my boyfriend keeps punching me and i cant get out'],
    ['child grabbed', 'a man just snatched a little girl outside the shop and put her in a van'],
    ['child in hot car', 'there is a baby strapped in a car on the top deck and it is roasting'],
    ['child lost now', "can't find my son he's 5 and he was by the swings a minute ago"],
    ['child swallowed', 'my toddler has swallowed a button battery from the remote'],
    ['child poisoned', 'the baby got hold of my tablets and has eaten some'],
    ['child hurt now', 'he is shaking the baby and wont stop'],
    ['drunk carer now', 'my partner is so drunk he can barely stand and he is meant to be looking after the kids'],
    ['collapsed', 'my nan has collapsed in the kitchen'],
    ['not breathing', "my husband isn't breathing properly and his lips are blue"],
    ['stroke', "my mum's face has dropped on one side and she can't lift her arm"],
    ['allergic reaction', 'my son is having an allergic reaction and his throat is swelling up'],
    ['head injury', 'my dad fell and banged his head and now he is confused and being sick'],
    ['bleeding', "i've cut my wrist and it won't stop bleeding"],
    ['fire', "the flat upstairs is on fire and there's an old lady in there"],
    ['gas', 'i can smell gas really strongly in the hallway'],
    // Holdout 16's one urgent miss at first sight (session 23), said otherwise: gas as people describe its smell.
    ['gas as rotten eggs', 'the whole stairwell reeks, a bit like rotten eggs, worst outside number 4'],
    ['seizure', "my daughter is fitting and it's been five minutes"],
    // From a tester who never saw the code (session 24), said otherwise.
    ['chest tight and an arm numb', "my husband says his chest feels really tight and his left arm's gone numb"],
    ['water out of a light fitting', 'water is coming out of the light fitting in the hall and the lights keep flickering'],
    ['a battery swallowed', 'my toddler swallowed one of those tiny round batteries from the car key'],
    ['drowning', 'a kid has fallen in the canal by the lock'],
    ['missing vulnerable adult', 'my dad has dementia and he has gone missing, he went out in his slippers'],
    ['fear now', "i'm not safe tonight, he said he's coming round after the pub"],
    ['break-in now', 'someone is breaking in downstairs right now'],
    ['pills with drink, voice', 'i have had about thirty of my sleeping pills and some gin'],
    ['hanging', 'i have put a belt over the door and i am going to hang myself'],
    ['wants to die, speech', 'i just want it all to stop i want to die tonight'],
    ['third party overdose', 'my flatmate has taken a load of pills and is really drowsy'],
    ['kill self shorthand', 'gna kms tonight'],
    ['knife in the house', "he's in the bedroom with a knife and says he will use it"],
    ['gun', 'there is a man with a gun in the park'],
    ['strangled now', 'he is choking me every time i try to leave'],
    ['threat to kids', 'she says she will hurt the children if i call anyone'],
    ['dragging', 'he is dragging me by my hair'],
    ['coming round', "my ex has just texted he's on his way round and he's drunk"],
    ['sexual assault now', 'i have just been raped and he is still in the flat'],
    ['child alone now', 'my neighbours 2 year old is on the balcony on her own'],
    ['baby not breathing', 'the baby is not breathing'],
    ['unconscious drunk', 'my mate is passed out and we cant wake him'],
    ['chest pain', 'my husband has crushing chest pains going down his arm'],
    ['diabetic', 'my dad is diabetic and he has gone all grey and he is not responding'],
    ['burns', 'my son has pulled a pan of boiling water over himself'],
    ['fire with child', 'the kitchen is full of smoke and my little girl is upstairs'],
    ['elderly fall, not moving', 'my neighbour has fallen and is lying on the floor not moving'],
  ])('flags %s', (_label, text) => {
    expect({ text, urgent: detector.detect(text).urgent }).toEqual({ text, urgent: true });
  });

  // Near misses: the same words in the past, denied, figurative, or about something else. A false alarm
  // only costs a minute, but if everything were urgent the flag would mean nothing.
  it.each([
    ['not suicidal', "I'm not suicidal but I'm struggling and need some counselling"],
    ['past overdose', 'I overdosed two years ago and I am in recovery now, I need help with my rent'],
    ['tablets as normal', 'I take my tablets every morning but the chemist keeps running out'],
    ['prescription', 'I have run out of my tablets and the surgery will not give me a prescription'],
    ['figurative killing', 'the stairs will kill me, I need a stair lift'],
    ['figurative dying', 'I am dying for a cup of tea, the kettle is broken and so is the boiler'],
    ['past heart attack', 'he had a heart attack in March and needs help getting washed'],
    ['history of seizures', 'my son has a history of seizures and we need a school with medical support'],
    ['knife in court', 'I am a witness in a knife crime case and I want to move house'],
    ['knife last month', 'My daughter was threatened with a knife in May and she is scared to go out'],
    ['fire alarm', 'our smoke alarm keeps beeping and the landlord will not change the battery'],
    ['roof leak', 'there is water coming through the roof and the landlord is not answering'],
    ['on the roof for repairs', 'the builder was on the roof fixing the slates and left rubbish everywhere'],
    ['rubbish on the railway', 'someone has dumped rubbish by the railway bridge'],
    ['jump at the chance', 'I would jump at the chance of a bigger flat'],
    ['threats from far away', 'my ex keeps messaging me but he lives in Spain now and I have an injunction'],
    ['past abuse', 'my husband used to hit me and I left him last year'],
    ['past break-in', 'we were burgled last week while we were on holiday'],
    ['end of tenancy', 'my tenancy is coming to an end and I need to find somewhere'],
    ['saying goodbye when moving', 'we are moving away next month and want to say goodbye to our carer'],
    ['missed tablets', 'I missed my tablets because the carer did not come'],
    ['children at school', 'my kids are at school until three so I can only talk in the mornings'],
    ['locked out', 'I have locked myself out of the flat, can someone let me in'],
    ['the bins are killing us', 'the smell from the bins is killing us in this heat'],
    ['ongoing neglect', 'the kids next door are often left out in the garden for hours'],
    ['gone missing post', 'my parcel has gone missing and my council tax bill never came'],
    ['keeps wandering', 'dad has dementia and keeps wandering at night, I need a break'],
    ['police already came', 'the police came and took a statement about the fight last night'],
    ['worried about a decision', "I'm worried the school will exclude my son"],
    ['end of the road', 'the pothole at the end of the road is getting bigger'],
    ['killing time', 'I am killing time waiting for the housing officer to ring back'],
    ['drop dead gorgeous garden', 'the garden is dead and the fence is falling down'],
    ['gun crime past', 'my brother was shot in 2019 and I still struggle with anxiety'],
    ['hanging baskets', 'can the council put the hanging baskets back on the high street'],
    ['jump the queue', 'is there any way to jump the queue for a council flat'],
    ['cut my hours', 'they have cut my hours at work and I cannot pay the rent'],
    ['bleeding money', 'we are bleeding money on the heating because the windows are broken'],
    ['breathing problems ongoing', 'my son has asthma and the damp makes his breathing worse'],
    ['fell last year', 'I fell last year and now I cannot manage the bath'],
    ['scared of bills', 'I am scared to open the post because of the bills'],
    ['danger from damp', "the mould is a danger to my baby's health"],
    ['fighting benefits', 'I am fighting the DWP over my PIP decision'],
    ['died last year', 'my wife died last year and I am very lonely'],
    ['dying relative', 'my mum is dying of cancer and I need help caring for her at home'],
    ['attack past', 'I was mugged on Friday and they took my bag'],
  ])('does not flag %s', (_label, text) => {
    expect({ text, because: detector.urgentBecause(text) }).toEqual({ text, because: [] });
  });
});

describe('the danger-now model', () => {
  // Said in words no rule or signal has: only the model, learnt from the labelled sets, hears the danger.
  const unfamiliar = "my nan has gone a funny grey colour and won't answer me properly";

  it('asks whether the person is safe now when a message reads like danger in words no rule has', () => {
    expect(detector.detect(unfamiliar)).toMatchObject({ urgent: false, safetyQuestion: true });
    expect(detector.riskBecause(unfamiliar).join(' ')).toMatch(/danger-now model/);
    const rulesOnly = buildDetector({ ...data, urgency: { ...data.urgency, dangerAskFrom: 1 } }, { store: fileModelStore() });
    expect(rulesOnly.detect(unfamiliar).safetyQuestion).toBe(false);
  });

  it('leaves a short answer to the rules: the model learnt from whole first messages', () => {
    // "he is" reads as danger to the model ("he is outside"); as the answer to "how old are the children?" it is not.
    expect(detector.detect('he is 9, no exams').safetyQuestion).toBe(false);
    expect(detector.dangerScore('he is 9, no exams')).toBe(0);
  });

  it.each([
    'can I book a bulky waste collection for a sofa',
    'I need help with my rent arrears',
    'is there a school place for my son in september',
    'what time does the tip open on sunday',
  ])('does not ask the safety question of an everyday request: %s', (text) => {
    expect(detector.detect(text).safetyQuestion).toBe(false);
  });

  it('refuses a labelled set with a code the taxonomy does not have', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'labelled-'));
    writeFileSync(
      path.join(dir, 'set.json'),
      JSON.stringify({ cases: [{ channel: 'sms', text: 'my moat is leaking', needs: ['housing.castle'], urgent: false }] }),
    );
    expect(() => loadNeedsData({ labelledDir: dir })).toThrow(/"housing.castle" is not a code/);
  });
});

describe('detectNeeds: negation', () => {
  it.each([
    ['a need no longer wanted', "I don't need a food parcel any more, just help with my rent arrears", ['money.debt']],
    ['not about one need, about another', 'this is not about my council tax, my bin has not been emptied for three weeks', ['environment.waste']],
    ['no longer needed, but something else is', 'we no longer need the carers but mum needs a stair lift', ['care.disability']],
    ['not asking for one thing', "I'm not asking for money, I need a school place for my son", ['education.school']],
  ])('%s', (_label, text, expected) => {
    expect(codes(text)).toEqual(expected);
  });

  it('leaves "can not" and "no" alone: they often are the need', () => {
    expect(codes('I cannot pay the rent')).toEqual(['money.debt']);
    expect(codes('no food in the cupboards and nothing till friday')).toContain('food.insecurity');
  });
});

describe('text preparation', () => {
  it('spells out shorthand', () => {
    const shorthand = new Map(Object.entries(data.language.shorthand));
    expect(expandShorthand('cant pay ur rent 2moro pls', shorthand)).toBe('can not pay your rent tomorrow please');
    expect(expandShorthand("he's gonna", shorthand)).toBe('he is going to');
  });

  it('drops greetings and everything from the sign-off down', () => {
    expect(stripEmailFurniture('Hi,\n\nMy bin is broken.\n\nKind regards\nAl\nSent from my iPhone').trim()).toBe('My bin is broken.');
    expect(stripEmailFurniture('Thanks for ringing me, the bin is still broken').trim()).toBe('Thanks for ringing me, the bin is still broken');
  });

  it("drops a call transcript's fillers and stutters, and reads a long run of one word without freezing", () => {
    expect(dropDisfluencies('um theres um five of them with um with bats they are trying they are trying to get in')).toBe(
      'theres five of them with bats they are trying to get in',
    );
    expect(dropDisfluencies('I had had enough')).toBe('I had enough');
    // Letters and apostrophes with no space: with unbounded words the search for a repeat was quadratic (this
    // took minutes, beyond the test's time limit); now it is read at once and left as it is.
    const run = "a'".repeat(200_000);
    expect(dropDisfluencies(run)).toBe(run);
  });

  it('cuts a message into sentences, clauses and neighbouring clauses', () => {
    expect(pieces('no food and no gas. help')).toEqual(['no food and no gas.', 'no food', 'no food no gas.', 'no gas.', 'help']);
  });
});

describe('the data is checked at load', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'needs-data-'));
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };
  const taxonomy = () => JSON.parse(JSON.stringify(loadTaxonomy(DEFAULT_TAXONOMY_PATH)));

  it('loads the shared taxonomy', () => {
    expect(loadTaxonomy().needs.length).toBeGreaterThan(10);
  });

  it.each([
    ['a missing file', () => path.join(dir, 'absent.json'), /absent\.json: the file does not exist.*NEEDS_TAXONOMY_PATH/],
    ['a file that is not JSON', () => write('broken.json', '{ "needs": [ '), /broken\.json.*NEEDS_TAXONOMY_PATH/],
    [
      'a code that is not a code',
      () => write('bad-code.json', { ...taxonomy(), needs: [{ code: 'Housing Repairs', label: 'x' }] }),
      /needs\.0\.code: a code is lower-case/,
    ],
    [
      'the same code twice',
      () =>
        write('twice.json', {
          ...taxonomy(),
          needs: [
            { code: 'a.b', label: 'x' },
            { code: 'a.b', label: 'y' },
          ],
        }),
      /each code must appear once/,
    ],
    ['no urgency section', () => write('no-urgency.json', { version: 1, needs: [{ code: 'a.b', label: 'x' }] }), /urgency/],
  ])('refuses a taxonomy with %s, naming the file and the setting', (_label, file, message) => {
    expect(() => loadTaxonomy(file())).toThrow(NeedsDataError);
    expect(() => loadTaxonomy(file())).toThrow(message);
  });

  it('refuses training data for a code the taxonomy does not have', () => {
    const training = write('training.json', { needs: { 'housing.castle': ['my moat is leaking'] } });
    expect(() => loadNeedsData({ files: { training } })).toThrow(/"housing.castle" is not a code in the needs taxonomy/);
  });

  it('refuses urgency rules with a bad pattern or an unknown code', () => {
    const badPattern = write('urgency-pattern.json', { rules: [{ why: 'x', kind: 'fire', pattern: '(unclosed' }] });
    expect(() => loadNeedsData({ files: { urgency: badPattern } })).toThrow(/rules\.0\.pattern: not a valid regular expression/);
    const badCode = write('urgency-code.json', { rules: [{ why: 'x', kind: 'fire', pattern: 'fire', needs: ['safety.dragons'] }] });
    expect(() => loadNeedsData({ files: { urgency: badCode } })).toThrow(/"safety.dragons" is not a code/);
  });

  it('refuses urgency rules naming a term that is not defined, and spells out the ones that are', () => {
    const unknown = write('urgency-term.json', { terms: { weapon: 'knife|gun' }, rules: [{ why: 'x', kind: 'violence', pattern: 'with a {{wepon}}' }] });
    expect(() => loadNeedsData({ files: { urgency: unknown } })).toThrow(/rules\.0\.pattern: \{\{wepon\}\} is not a defined term/);
    expect(expandTerms('a {{weapon}}', { blade: 'knife|machete', weapon: '{{blade}}|gun' })).toBe('a (?:(?:knife|machete)|gun)');
  });

  it('refuses synonyms that put one word in two groups', () => {
    const language = write('language.json', { shorthand: {}, synonyms: { mum: ['mother'], mother: ['mam'] } });
    expect(() => loadNeedsData({ files: { language } })).toThrow(/"mother" is already in the group of "mum"/);
  });

  it('ships its own data files beside the code', () => {
    expect(Object.values(DATA_FILES).every((f) => f.startsWith(path.resolve(import.meta.dirname, '../../hub/needs')))).toBe(true);
  });
});
