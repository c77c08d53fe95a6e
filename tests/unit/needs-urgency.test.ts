// Immediate danger said indirectly, and past or everyday mentions that must not raise the alarm. These
// sentences were written for this test (session 11), not taken from the labelled sets, so they check that the
// urgency rules read meaning rather than the sets' exact words.
import { describe, expect, it } from 'vitest';
import { loadNeedsData } from '../../hub/needs/data.ts';
import { buildDetector } from '../../hub/needs/detector.ts';
import { fileModelStore } from '../../hub/needs/model-store.ts';

const data = loadNeedsData();
const detector = buildDetector(data, { store: fileModelStore() });
// The rules and signals alone, without the danger-now model: it learns from new training messages and may
// happen to catch a sentence, so a signal's own test must not lean on it.
const signalsOnly = buildDetector({ ...data, urgency: { ...data.urgency, dangerAskFrom: 1 } }, { store: fileModelStore() });

const URGENT = [
  "he's outside",
  'my ex is outside again',
  'hes at the door shouting',
  'he is downstairs now and ive locked myself in',
  "I've taken all my tablets",
  'took the whole packet of paracetamol an hour ago',
  'swallowed all my sleeping pills',
  "she's not breathing properly",
  'my baby is breathing really strangely and wont wake up',
  "he said he'll kill me tonight",
  'he says hes gonna kill me when he gets home',
  'my 6 year old is home alone and has cut his hand badly',
  'the kids have been left on their own all night',
  'my nan has fallen over and cant get up off the floor',
  "dad's been lying on the floor since this morning",
  'a toddler is hanging out of a second floor window on our street',
  'theres a little girl on the balcony railings',
  'he wont give the baby back and his phone is off, he said ill never see her again',
  'i have a rope ready',
  'ive got my pills counted out on the bed',
  'i dont see the point in going on anymore',
  'nobody would miss me if i was gone',
  'my sister says she is going to end it tonight',
  'the plug socket is sparking and smoking',
  'hes stood in front of the door and wont let me leave',
  "she's having a seizure and it won't stop",
  'my partner just punched me in the face',
  'hes got a knife',
  'someone is trying to break in right now',
  'i want to die',
  "there's smoke coming from next door and an old man lives there",
  'my son has gone blue',
  "he's coming back tonight and said he'll finish me",
  'I cant keep myself safe',
  // A call transcript's fillers and stutters must not hide a break-in in progress (session 21).
  'um theres um three of them in the garden and theyre trying theyre trying to get the patio door open',
  'uh the men outside are uh trying to force the back door in',
];

const CALM = [
  'he used to hit me',
  "I felt suicidal last year but I'm ok now",
  'my ex used to threaten me years ago',
  'I took an overdose when I was 17',
  'my dad fell last week and now needs a stairlift',
  'mum keeps falling and we need a pendant alarm',
  'the kids keep climbing on the garage roofs',
  "my son is autistic and can't get up for school",
  'the bin men are outside now',
  'I have my tablets from the chemist ready to collect',
  'the carers are at the door now',
  "I can't see the point of the new bin system",
  'the workmen are outside again at 7am',
  'my tablets are running out and the pharmacy is shut',
  "he's outside the school every day selling drugs",
  'there was a flood last winter and the sockets got fixed',
  'the roof is leaking onto the landing',
  'my daughter fell off her bike last month',
  'my ex brings the kids back late every weekend',
  'he took the kids to Spain on holiday with my permission',
  'nobody would notice if the bins were never collected',
  "the lift is always broken and I can't get up the stairs",
  'this council tax is killing me',
  'the stress will kill me lol',
  "my landlord said he'd have me out",
  "I need help with depression, I've been feeling low for months",
  'I used to self harm as a teenager',
  'my neighbour is always banging on the wall',
  'we had a break in last month',
  'my mum has dementia and gets confused',
  'we are trying to get the back door open but the lock has jammed, can someone come',
  'um the um boiler is broken broken again',
];

/** Not certain danger, but the bot must ask whether anyone is in danger before anything else. */
const ASK = [
  'erm my wife is upstairs hiding',
  'the kids are hiding upstairs and he is shouting',
  // Goodbye words hidden in a plain request (session 21): a plan, a place, not being a burden.
  'Im tired of fighting them. Later I will walk down to the canal',
  'please close my account, I have made my decision and it will be today',
  'this is my last rent payment, I will not be a burden to my daughter any more',
  'there is no more reason for me to stay',
  // Session 22, from holdout 12's misses (reworded): he is in and shouting for her; letters left; a smell and a hiss.
  'sorry if I go quiet, he is back from the pub and he is shouting for me',
  'he has got that look again, last time it was my ribs',
  "I've left all my papers in order for my brother, thanks for everything over the years",
  'can someone take my dog, he needs a new home from tonight',
  'I decided it is tonight, who will take the body',
  'there is a hissing from the meter cupboard and the kitchen stinks',
  // Caught only by the needs model's doubt until more varied training moved it (session 22): said as rules now.
  'a guy has been waiting outside my work all week and now he has sat behind me on the train, too scared to get off',
  'forget the arrears, I got all the tablets I could and I am parked by the quarry',
  'please remove my name from the list, by the time anyone reads this it will not matter anyway',
  // Holdout 14's two urgent misses at first sight (session 23), said in other words: being watched, a height.
  'he sent me a photo of my car outside the school this morning',
  'i am stood on the viaduct by the station, nobody rings back anyway, no point is there',
  // Holdout 15's two urgent misses at first sight (session 23), said in other words: gone for hours, the means at hand.
  "Hello, my son is 14 and has Down's syndrome, he walked to his friend's house at four o'clock and he is still not back, that's over three hours, his mobile's switched off, he never normally goes anywhere by himself, we have driven round the estate twice",
  "I have got everything I need to do it and please don't try to talk me out of it, I just want the rent account closed",
  // An alarm going off with the symptoms of carbon monoxide (holdout 16, session 23).
  'that alarm by the boiler has been bleeping since tea time and my husband has a headache and feels sick',
  // Holdout 18's two urgent misses at first sight (session 23), said otherwise: a goodbye as thanks, water rising.
  "Dear housing team, thank you for all your help over the years with the flat. I have made my mind up and I am at peace with it. Please don't blame yourselves. The spare keys are with Mrs Jones at number 4.",
  "Hello, our basement flat is filling up fast and the water's at my knees now, we rent from the housing association in Riverside, can someone tell us what to do about our things",
  // Holdout 19's one urgent miss at first sight (session 23), said otherwise: water come up past the step.
  "we're on the residential caravan site near the river and the water has come up round the vans, it's past the bottom step now, my husband uses a wheelchair",
];

describe('urgency rules', () => {
  it('flag danger described indirectly', () => {
    expect(URGENT.filter((text) => !detector.detect(text).urgent)).toEqual([]);
  });

  it('stay quiet on past, resolved or everyday mentions', () => {
    expect(CALM.filter((text) => detector.detect(text).urgent)).toEqual([]);
  });

  it('ask first when someone is hiding, or says goodbye in plain words', () => {
    expect(ASK.filter((text) => !detector.detect(text).urgent && !detector.detect(text).safetyQuestion)).toEqual([]);
  });

  it('ask, by the signals alone, on a smell with dizziness and on water coming in (holdout 21, session 23)', () => {
    const asked = (text: string) => signalsOnly.detect(text).urgent || signalsOnly.detect(text).safetyQuestion;
    expect(
      asked(
        'Good afternoon, my name is Mrs Okafor, 8 Station Road, Kettering, I am a housing association tenant. On Tuesday a contractor serviced the boiler and since then there is a smell in the kitchen, this evening it is stronger, my son has a headache and he is dizzy. Is it normal after a service? Please advise.',
      ),
    ).toBe(true);
    expect(
      asked(
        "hello the street outside is like a river and now it's seeping in under the back door, it's over the hall carpet already. ground floor flat, me and my dad (88) and the cat. is the community centre open as a rest centre? Hebden Bridge",
      ),
    ).toBe(true);
    // The same kinds of words, safely: a smell and no symptom; a drip.
    expect(asked('there is a funny smell from the drains in the bathroom, can someone have a look')).toBe(false);
  });
  it('ask, by the signals alone, on danger that the danger-now model caught only after learning it (session 24)', () => {
    // Each held out from the model, these kinds were caught by neither rules nor signals: said here in other words.
    const asked = (text: string) => signalsOnly.detect(text).urgent || signalsOnly.detect(text).safetyQuestion;
    const sideways = [
      // Someone at the gate or with a weapon, calling for the person.
      'there are five of them at the gate now with their hoods up',
      'the bloke from the garage is back in the street with a hammer yelling my name',
      // Goodbye as arrangements.
      "I've given all my things away and written the letters, by the time my sister reads this it'll be done",
      'theres a rope in the loft and i dont know why im telling the council',
      "I've sorted who gets what and I just don't want my neighbour to be the one who finds me",
      // Medical, by what the person sees.
      "grandad's breathing is all wrong and he's gone blue round his lips",
      'my wife is grey and clammy and says her chest feels like it is being crushed',
      'my little girl eat the tablet from under the sink and now she sleep and sleep',
      'baby very floppy and the spots dont go when i press a glass on them',
      "i can hear him calling out for help through the letterbox and he won't open the door",
      // Missing, by what is not there.
      "mum's bed hasn't been slept in and her coat and phone are still here",
      'my son went out without his phone or his coat after the row and it is dark now',
      // Fire, by what it looks like.
      'the chip pan went up and the landing is full of smoke, my dad is still up there',
      // Each held out from the model after the second round of training (session 24): said here in other words.
      "the landlord's brother told me he will break my arm if we are not out by tonight",
      'nobody has seen her since Sunday and the door to her flat was open',
      'my son has not come home since last night and his phone goes straight to voicemail',
      'cancel the appointment please, and tell Jo at the hub not to blame herself',
      "I've been saving my tablets up for a while and there is enough now",
      'there are black marks all round the gas fire and all of us have thumping heads',
      "he's diabetic and he's gone all sweaty and muddled and won't eat the biscuit",
      'my boy 4 years drink some of the bleach from cupboard',
      'the tank in the loft has burst and there is scalding hot water coming through the ceiling',
      // Holdout 24's urgent miss at first sight (session 24), said otherwise: a goodbye as a change of name on an account.
      "please put the tenancy in my nephew's name, I will not be here after Sunday",
      "I've written it all down for my nephew, where the bank book and the keys are",
      'thank you, you were always kind to me, I will not need the appointment',
      // Holdout 25's urgent miss at first sight (session 24), said otherwise: a goodbye as notice to end a tenancy.
      'please end my tenancy from today, my affairs are in order and my cousin has a letter explaining everything',
      'there will be nobody for you to chase for the rent, thank you to the staff who were always kind to me',
    ];
    expect(sideways.filter((text) => !asked(text))).toEqual([]);
    // The same words, safely.
    for (const calm of [
      'gasping for a cup of tea after the tip, what time does it shut',
      'the toaster caught fire last week, it was all out and we are fine, but the wall needs painting',
      "my son can't swallow tablets, can the pharmacy give him the liquid one",
      "I've put the letter for my son's school in his bag",
      // (Said in one clause: each clause is matched on its own, so a move given in the next clause does not count.)
      "I won't be around after the move on Friday, please close my council tax account",
    ])
      expect(asked(calm), calm).toBe(false);
  });

  it('flag a colour hedged ("gone a bit blue"), and ask on an inhaler that is not helping (holdout 28, session 25)', () => {
    // Holdout 28's urgent miss at first sight, said otherwise: an asthma attack told by what the parent sees.
    const flagged = (text: string) => signalsOnly.detect(text).urgent;
    expect(flagged("my daughter's lips have gone kind of blue and she can't get her words out")).toBe(true);
    expect(flagged('he came out of the river and he has gone a bit purple')).toBe(true);
    const asked = (text: string) => {
      const d = signalsOnly.detect(text);
      return d.urgent || d.safetyQuestion;
    };
    expect(asked("she's using her pump every few minutes and it's not helping at all")).toBe(true);
    expect(asked('my grandson is wheezing really badly tonight and we have no heating')).toBe(true);
    // The same words, safely.
    for (const calm of [
      'can I get a repeat prescription for my inhaler, I have nearly run out',
      'we painted the front door a bit blue and the landlord says it has to be black',
      'she used to wheeze badly as a toddler but the damp is sorted now',
    ])
      expect(asked(calm), calm).toBe(false);
  });
});
