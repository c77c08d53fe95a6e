// The guided needs conversation, as a Bot Framework dialog: understand the whole situation at the first
// contact, in plain language, then hand a complete picture to the people who will act.
// Order: urgency first (every turn) → what we understood, confirmed → the related areas that usually come
// with it → the facts services ask for → how to reach them, when nothing on record does → consent to share
// → a short summary of what happens next.
// The customer can ask for a person at any moment.
import { isOptOutWord } from '../../channels/carrier-keywords.ts';
import { ActivityTypes } from '@microsoft/agents-activity';
import { MessageFactory, type AgentStatePropertyAccessor, type TurnContext } from '@microsoft/agents-hosting';
import {
  ChoicePrompt,
  ComponentDialog,
  Dialog,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type Choice,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from '@microsoft/agents-hosting-dialogs';
import { CONTACT_FACT, type Detection, type NeedsKnowledge } from './knowledge.ts';
import { emergencyAdvice, readSafetyAnswer, type SafetyWording } from './safety.ts';
import type { BotWording } from './wording.ts';
import type { ChannelCapabilities } from '../../channels/contract.ts';

/** What the conversation has captured so far; the hub records it after every turn. */
export interface Captured {
  needs: Record<string, { urgent: boolean }>;
  facts: Record<string, string>;
  consent: boolean | null;
  /** Signs of immediate danger were seen, whether or not a need was recognised with them. */
  urgent: boolean;
  /** The customer has been told once where to turn in an emergency (detection can miss danger). */
  told999: boolean;
  /**
   * The safety question ("are you, or is anyone with you, in danger right now?"), asked when a message
   * carried a sign of possible danger: asked, asked a second time after an unclear answer, or answered safe.
   */
  safety?: 'asked' | 'asked-again' | 'safe' | null;
  /** The kinds of danger feared when the safety question was asked, for the advice if the answer is yes. */
  danger?: string[];
  /** Set when the bot is done and a person takes over. */
  outcome: null | 'urgent' | 'asked-for-person' | 'unclear' | 'complete' | 'opted-out';
}

export const emptyCaptured = (): Captured => ({ needs: {}, facts: {}, consent: null, urgent: false, told999: false, safety: null, danger: [], outcome: null });

export const NEEDS_DIALOG = 'needs-conversation';
/** Email gets one complete reply, not a conversation of short questions. */
export const EMAIL_DIALOG = 'needs-email-reply';
const FLOW = 'needs-flow';
const TEXT = 'text';
const YES_NO = 'yes-no';
const MAX_FACTS = 2;

// '1' and '2' are the phone keys the spoken prompt offers.
const YES: Choice = {
  value: 'Yes',
  synonyms: ['1', 'y', 'yes', 'yeah', 'yep', 'yes please', 'ok', 'okay', 'correct', 'right', 'thats right', "that's right", 'it is'],
};
const NO: Choice = { value: 'No', synonyms: ['2', 'n', 'no', 'nope', 'no thanks', 'not really', 'wrong', 'thats wrong', "that's wrong", 'not quite'] };
const NOTHING_ELSE = /^\s*(no|nope|nah|n|no thanks|nothing( else)?|none|not really|that'?s (it|all))\b/i;

/** Asking for a person, in words or the phone's 0, at any point. */
export function asksForAPerson(text: string): boolean {
  return (
    /^\s*0\s*$/.test(text) ||
    /\b(agent|human|real person|a person|someone real|speak to (someone|somebody|a person)|talk to (someone|somebody|a person)|adviser|advisor|operator)\b/i.test(
      text,
    )
  );
}

/** Emergency help, in plain words: the advice for each kind of danger seen (999 when none is known), then what happens next. */
export function emergencyMessage(wording: SafetyWording, kinds: readonly string[], next = wording.toPerson): string {
  return [...emergencyAdvice(wording, kinds), next].join(' ');
}

/**
 * What the channel the message came on can do (the activity's channelId is the hub's own, for state keys);
 * none known: a plain text channel.
 */
function channelCan(context: TurnContext): Partial<ChannelCapabilities> {
  return (context.activity.channelData as { capabilities?: ChannelCapabilities } | undefined)?.capabilities ?? {};
}

function onThePhone(context: TurnContext): boolean {
  return channelCan(context).speaks === true;
}

/** The customer has a phone number or email on record: the teams can contact them once this conversation is over. */
function reachableLater(context: TurnContext): boolean {
  return (context.activity.channelData as { reachable?: boolean } | undefined)?.reachable === true;
}

/**
 * How to answer a yes/no question on this channel: keys on a call; Y or N where carriers act on keywords (SMS),
 * because YES is also a carrier opt-in keyword (answered by Twilio itself).
 */
function howToAnswer(wording: BotWording, can: Partial<ChannelCapabilities>): { how: string; again: string } {
  if (can.speaks) return { how: wording.answer.voice.how, again: wording.answer.voice.again };
  if (can.carrierKeywords) return { how: wording.answer.sms.how, again: wording.answer.sms.again };
  return { how: wording.answer.other.how, again: wording.answer.other.again };
}

/** "a, b and c": the joining word ("and", "or") comes from the wording file. */
function listOf(words: string[], joiner: string): string {
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} ${joiner} ${words.at(-1)}` : (words[0] ?? '');
}

export class NeedsDialog extends ComponentDialog {
  constructor(
    private readonly knowledge: NeedsKnowledge,
    private readonly captured: AgentStatePropertyAccessor<Captured>,
  ) {
    super(NEEDS_DIALOG);
    this.addDialog(new TextPrompt(TEXT));
    this.addDialog(new ChoicePrompt(YES_NO));
    this.addDialog(
      new WaterfallDialog(FLOW, [
        this.understand.bind(this),
        this.confirm.bind(this),
        this.corrected.bind(this),
        this.related.bind(this),
        this.firstFact.bind(this),
        this.secondFact.bind(this),
        this.howToReach.bind(this),
        this.consent.bind(this),
        this.summary.bind(this),
      ]),
    );
    this.initialDialogId = FLOW;
  }

  private get wording(): BotWording {
    return this.knowledge.wording;
  }

  // Every turn, before the current step: danger stops the script; a sign of possible danger is asked about
  // before anything else; asking for a person is honoured at once.
  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const text = inner.context.activity.type === ActivityTypes.Message ? (inner.context.activity.text ?? '') : '';
    const next = await this.interrupt(inner.context, text);
    if (next === 'stop') return inner.cancelAllDialogs();
    if (next === 'hold') return Dialog.EndOfTurn;
    if (next === 'resume') {
      // Safe: carry on where we were. The first message's needs are already captured.
      if (!inner.activeDialog) return inner.beginDialog(FLOW);
      await inner.repromptDialog();
      return Dialog.EndOfTurn;
    }
    return super.onContinueDialog(inner);
  }

  protected override async onBeginDialog(inner: DialogContext, options?: object): Promise<DialogTurnResult> {
    const next = await this.interrupt(inner.context, inner.context.activity.text ?? '');
    if (next === 'stop') return inner.cancelAllDialogs();
    // The safety question comes first: the conversation starts once it is answered.
    if (next === 'hold') return Dialog.EndOfTurn;
    return super.onBeginDialog(inner, options);
  }

  /**
   * stop: the bot is done (danger, a person asked for, opted out); hold: a question about safety is waiting
   * for its answer; resume: answered safe, carry on; go: nothing to interrupt.
   */
  private async interrupt(context: TurnContext, text: string): Promise<'stop' | 'hold' | 'resume' | 'go'> {
    // An SMS opt-out word: the carrier and Twilio stop our texts; the bot falls silent and a person sees it.
    if (channelCan(context).carrierKeywords && isOptOutWord(text)) {
      (await this.state(context)).outcome = 'opted-out';
      return 'stop';
    }
    const safety = this.knowledge.safety;
    const detection = this.knowledge.detect(text);
    const captured = await this.state(context);
    if (captured.safety === 'asked' || captured.safety === 'asked-again') {
      const answer = readSafetyAnswer(text, detection.urgent);
      if (answer === 'safe') {
        await this.record(context, detection);
        captured.safety = 'safe';
        // Its words say where to turn if that changes: the first question need not say it again.
        captured.told999 = true;
        await context.sendActivity(safety.stillSafe);
        return 'resume';
      }
      // Asking for a person is honoured here too: they are put first in the queue, as if unsure of their safety.
      if (answer === 'danger' || captured.safety === 'asked-again' || asksForAPerson(text)) {
        // Danger, or still no clear answer after asking twice, or a person asked for: a person checks, first in the queue.
        await this.record(context, detection);
        for (const need of Object.values(captured.needs)) need.urgent = true;
        captured.urgent = true;
        captured.outcome = 'urgent';
        const kinds = [...new Set([...(captured.danger ?? []), ...(detection.danger ?? [])])];
        await context.sendActivity(emergencyMessage(safety, kinds, answer === 'danger' ? safety.toPerson : safety.toPersonUnsure));
        return 'stop';
      }
      await this.record(context, detection);
      captured.safety = 'asked-again';
      await this.askSafety(context, safety.questionAgain);
      return 'hold';
    }
    if (detection.urgent) {
      await this.record(context, detection, true);
      captured.urgent = true;
      captured.outcome = 'urgent';
      await context.sendActivity(emergencyMessage(safety, detection.danger ?? []));
      return 'stop';
    }
    if (asksForAPerson(text)) {
      await this.record(context, detection);
      captured.outcome = 'asked-for-person';
      await context.sendActivity(this.wording.toPerson);
      return 'stop';
    }
    if (detection.safetyQuestion && !captured.safety) {
      await this.record(context, detection);
      captured.safety = 'asked';
      captured.danger = detection.danger ?? [];
      await this.askSafety(context, safety.question);
      return 'hold';
    }
    return 'go';
  }

  /** The safety question, with how to answer it on this channel (buttons where the channel shows them). */
  private async askSafety(context: TurnContext, question: string) {
    await context.sendActivity(MessageFactory.suggestedActions(['Yes', 'No'], `${question} ${howToAnswer(this.wording, channelCan(context)).how}`));
  }

  private async state(context: TurnContext): Promise<Captured> {
    return this.captured.get(context, emptyCaptured());
  }

  /** Adds what was found to what the conversation has captured, with any fact the words already give. */
  private async record(context: TurnContext, detection: Detection, urgent = false): Promise<Captured> {
    const captured = await this.state(context);
    for (const need of detection.needs) captured.needs[need.code] = { urgent: urgent || (captured.needs[need.code]?.urgent ?? false) };
    const text = context.activity.type === ActivityTypes.Message ? (context.activity.text ?? '') : '';
    for (const [key, value] of Object.entries(this.knowledge.factsIn(text))) captured.facts[key] ??= value;
    return captured;
  }

  /** The needs found, in the plain words the bot uses with customers. */
  private labels(captured: Captured): string[] {
    return Object.keys(captured.needs).map((c) => this.knowledge.say(c));
  }

  private yesNo(step: WaterfallStepContext, text: string, after = '') {
    // The words work on every channel; the buttons are for channels that show them (web chat, Teams).
    // Built here rather than by the prompt's style, which only adds buttons on channel ids it knows.
    const ask = (words: string) => MessageFactory.suggestedActions(['Yes', 'No'], words);
    const { how, again } = howToAnswer(this.wording, channelCan(step.context));
    return step.prompt(YES_NO, {
      prompt: ask(`${text} ${how}${after ? ` ${after}` : ''}`),
      retryPrompt: ask(again),
      choices: [YES, NO],
      style: ListStyle.none,
    });
  }

  /** The bot's first question also says where to turn in an emergency: danger the detector missed is still covered. */
  private once999(captured: Captured, text: string): string {
    if (captured.told999) return text;
    captured.told999 = true;
    return `${text} ${this.knowledge.safety.safetyNet}`.trim();
  }

  private async understand(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const captured = await this.record(step.context, this.knowledge.detect(step.context.activity.text ?? ''));
    if (Object.keys(captured.needs).length) return step.next();
    return step.prompt(TEXT, this.once999(captured, this.wording.whatIsHappening));
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    let captured = await this.state(step.context);
    if (typeof step.result === 'string') captured = await this.record(step.context, this.knowledge.detect(step.result));
    if (!Object.keys(captured.needs).length) return this.handOver(step, 'unclear');
    return this.yesNo(step, this.wording.isThatRight.fill({ needs: listOf(this.labels(captured), this.wording.and) }), this.once999(captured, ''));
  }

  private async corrected(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as { value?: string } | undefined)?.value === 'Yes') {
      // "Yes, and we need somewhere to live": what follows the yes is heard too.
      await this.record(step.context, this.knowledge.detect(step.context.activity.text ?? ''));
      return step.next();
    }
    return step.prompt(TEXT, this.wording.gotItWrong);
  }

  private async related(step: WaterfallStepContext): Promise<DialogTurnResult> {
    let captured = await this.state(step.context);
    if (typeof step.result === 'string') {
      // The customer put it in their own words: their words replace our guess.
      captured.needs = {};
      captured = await this.record(step.context, this.knowledge.detect(step.result));
      if (!Object.keys(captured.needs).length) return this.handOver(step, 'unclear');
    }
    const codes = Object.keys(captured.needs);
    // Simple requests (a missed bin) go straight on: no need to explore.
    if (codes.every((c) => this.knowledge.isSimple(c))) return step.next();
    const candidates = [...new Set(codes.flatMap((c) => this.knowledge.related(c)))].filter((c) => !codes.includes(c)).slice(0, 3);
    if (!candidates.length) return step.next();
    const labels = candidates.map((c) => this.knowledge.say(c));
    const related = onThePhone(step.context) ? this.wording.related.voice : this.wording.related.other;
    return step.prompt(TEXT, related.fill({ needs: listOf(labels, this.wording.or) }));
  }

  private async firstFact(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (typeof step.result === 'string' && !NOTHING_ELSE.test(step.result)) await this.record(step.context, this.knowledge.detect(step.result));
    return this.askFact(step, 0);
  }

  private async secondFact(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await this.keepFact(step, 0);
    return this.askFact(step, 1);
  }

  private factKeys(captured: Captured): string[] {
    return this.knowledge.factsStillToAsk(Object.keys(captured.needs), captured.facts).slice(0, MAX_FACTS);
  }

  private async askFact(step: WaterfallStepContext, index: number): Promise<DialogTurnResult> {
    const captured = await this.state(step.context);
    // Asked once at the start of the fact steps, so later answers do not shift which question comes next.
    const values = step.values as { factKeys?: string[] };
    const keys = (values.factKeys ??= this.factKeys(captured));
    const key = keys[index];
    if (!key) return step.next();
    return step.prompt(TEXT, this.knowledge.factQuestion(key));
  }

  private async keepFact(step: WaterfallStepContext, index: number) {
    await this.keep(step, (step.values as { factKeys?: string[] }).factKeys?.[index]);
  }

  /** The answer to a fact's question, in their words; anything else it says (a phone number, an address) is kept too. */
  private async keep(step: WaterfallStepContext, key: string | undefined) {
    if (!key || typeof step.result !== 'string') return;
    const captured = await this.state(step.context);
    captured.facts[key] = step.result.trim().slice(0, 500);
    for (const [other, value] of Object.entries(this.knowledge.factsIn(step.result))) captured.facts[other] ??= value;
  }

  /**
   * A customer with no phone number or email on record (a web-chat visitor, a Teams user) who has not given
   * one yet is asked how the teams can contact them, before anything is handed on.
   */
  private async howToReach(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await this.keepFact(step, 1);
    const captured = await this.state(step.context);
    if (reachableLater(step.context) || CONTACT_FACT in captured.facts) return step.next();
    (step.values as { askedContact?: boolean }).askedContact = true;
    return step.prompt(TEXT, this.knowledge.factQuestion(CONTACT_FACT));
  }

  private async consent(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.values as { askedContact?: boolean }).askedContact) await this.keep(step, CONTACT_FACT);
    const captured = await this.state(step.context);
    // A report about a place (a missed bin) is itself the request to its service. Anything about the person
    // (council tax arrears, benefits) is shared only once they say yes.
    if (Object.keys(captured.needs).every((c) => this.knowledge.isPlaceReport(c))) return step.next();
    return this.yesNo(step, this.wording.mayWeShare);
  }

  private async summary(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const captured = await this.state(step.context);
    const answer = (step.result as { value?: string } | undefined)?.value;
    if (answer) captured.consent = answer === 'Yes';
    const noted = this.wording.noted.fill({ needs: listOf(this.labels(captured), this.wording.and) });
    const next = captured.consent === false ? this.wording.nextNotShared : this.wording.nextShared;
    await step.context.sendActivity(`${noted} ${next} ${this.knowledge.safety.safetyNetAnyTime}`);
    captured.outcome = 'complete';
    return step.endDialog();
  }

  private async handOver(step: WaterfallStepContext, outcome: 'unclear'): Promise<DialogTurnResult> {
    (await this.state(step.context)).outcome = outcome;
    await step.context.sendActivity(this.wording.unclear);
    return step.endDialog();
  }
}

/**
 * One complete reply to a first email: what we understood, what else to tell us, consent, what happens
 * next. A person reads whatever the customer writes back, with the needs already on the conversation.
 */
export class EmailNeedsDialog extends WaterfallDialog {
  constructor(
    private readonly knowledge: NeedsKnowledge,
    private readonly captured: AgentStatePropertyAccessor<Captured>,
  ) {
    super(EMAIL_DIALOG);
    this.addStep(this.reply.bind(this));
  }

  private get wording(): BotWording {
    return this.knowledge.wording;
  }

  private async reply(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const captured = await this.captured.get(step.context, emptyCaptured());
    const text = step.context.activity.text ?? '';
    const detection = this.knowledge.detect(text);
    for (const need of detection.needs) captured.needs[need.code] = { urgent: detection.urgent };
    // What the email already says (an address, who lives with them) is kept in their words and not asked for.
    for (const [key, value] of Object.entries(this.knowledge.factsIn(text))) captured.facts[key] ??= value;
    const codes = Object.keys(captured.needs);
    const paragraphs = [this.wording.email.thanks];
    if (detection.urgent) {
      captured.urgent = true;
      captured.outcome = 'urgent';
      paragraphs.push(emergencyMessage(this.knowledge.safety, detection.danger ?? [], this.knowledge.safety.toPersonByEmail));
      await step.context.sendActivity(paragraphs.join('\n\n'));
      return step.endDialog();
    }
    // Email cannot ask and wait: a sign of possible danger gets its advice at the top of the one reply.
    if (detection.safetyQuestion)
      paragraphs.push([this.knowledge.safety.emailQuestion, ...emergencyAdvice(this.knowledge.safety, detection.danger ?? [])].join(' '));
    if (!codes.length) {
      paragraphs.push(this.wording.email.unclear);
    } else {
      paragraphs.push(
        this.wording.email.understood.fill({
          needs: listOf(
            codes.map((c) => this.knowledge.say(c)),
            this.wording.and,
          ),
        }),
      );
      const related = codes.every((c) => this.knowledge.isSimple(c))
        ? []
        : [...new Set(codes.flatMap((c) => this.knowledge.related(c)))].filter((c) => !codes.includes(c)).slice(0, 3);
      const reach = reachableLater(step.context) || CONTACT_FACT in captured.facts ? [] : [CONTACT_FACT];
      const questions = [...this.knowledge.factsStillToAsk(codes, captured.facts).slice(0, 3), ...reach].map((k) =>
        this.wording.email.question.fill({ question: this.knowledge.factQuestion(k) }),
      );
      if (related.length)
        paragraphs.push(
          this.wording.email.related.fill({
            needs: listOf(
              related.map((c) => this.knowledge.say(c)),
              this.wording.or,
            ),
          }),
        );
      if (questions.length) paragraphs.push([this.wording.email.questions, ...questions].join('\n'));
      // Only a report about a place goes on without a yes: council tax or benefits are about the person.
      if (!codes.every((c) => this.knowledge.isPlaceReport(c))) paragraphs.push(this.wording.email.mayWeShare);
      paragraphs.push(this.wording.email.next);
    }
    paragraphs.push(this.knowledge.safety.safetyNetInEmail);
    await step.context.sendActivity(paragraphs.join('\n\n'));
    captured.outcome = codes.length ? 'complete' : 'unclear';
    return step.endDialog();
  }
}
