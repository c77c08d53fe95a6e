// What the hub itself tells customers, outside the needs bot and the phone line: hub/data/customer-wording.json.
// Read and checked once, when the hub's modules load at start: a missing key or a misspelt {placeholder}
// stops the start with the key named, never a customer's message.
import { z } from 'zod';
import { Line, loadWording, template } from '../channels/wording.ts';
import { HandoffStatus } from './generated/prisma/enums.ts';

/** A reply button's words (web chat shows at most 40 characters). */
const Button = Line.refine((s) => s.length <= 40, 'a reply button holds at most 40 characters');

export const CustomerWording = z.strictObject({
  about: z.string().optional(),
  /** Joins the last two needs of a list: "somewhere to live and food". */
  and: Line,
  /** The notice a customer gets when the team that answers their needs is closed (hub/routing/waiting.ts). */
  closedTeam: z.strictObject({ until: template('team', 'hours', 'opens'), closed: template('team', 'hours') }),
  /**
   * An agent closed the conversation, on a channel whose client shows it as one chat (web chat): the customer is
   * told it ended, with a reply button (startAgain, at most 40 characters) that begins a new one (hub/usecases/conversations.ts).
   */
  chatEnded: z.strictObject({ text: Line, startAgain: Button }),
  /** Who their details went to, and the references to quote (hub/handoff/create.ts). */
  handoffs: z.strictObject({
    passedOn: Line,
    service: template('service', 'needs', 'reference'),
    willContact: Line,
    unowned: template('needs'),
    askProgress: Line,
  }),
  /** The answer to a message quoting a reference (hub/handoff/progress.ts). */
  progress: z.strictObject({
    intro: Line,
    action: template('service', 'reference', 'status'),
    actionWithOutcome: template('service', 'reference', 'status', 'outcome'),
    /** Every status a hand-off can have, in plain words. */
    status: z.strictObject(Object.fromEntries(Object.values(HandoffStatus).map((s) => [s, Line])) as Record<HandoffStatus, typeof Line>),
    talkToSomeone: Line,
  }),
  /** A web-chat visitor linking themself to their record with a one-time code (hub/identity/verify.ts). */
  verification: z.strictObject({
    notAPhone: Line,
    notAnEmail: Line,
    cannotText: Line,
    cannotEmail: Line,
    refused: Line,
    tooManyCodes: Line,
    subject: Line,
    code: template('code', 'minutes'),
    badNumber: Line,
    badAddress: Line,
    notSent: Line,
    noCode: Line,
    tooManyTries: Line,
    wrongCode: Line,
  }),
  /** The message that carries a link to the customer's own plan (hub/usecases/plan.ts). */
  planLink: z.strictObject({ text: template('council', 'link', 'until') }),
  /** The customer's own plan page, opened from that link (agent-desk/server/plan-page.ts). */
  planPage: z.strictObject({
    title: Line,
    intro: Line,
    lead: template('council', 'lead'),
    helpingHeading: Line,
    nothingYet: Line,
    service: Line,
    status: Line,
    reference: Line,
    nextStep: Line,
    who: Line,
    /** The next step for each status a hand-off can have. */
    next: z.strictObject(
      Object.fromEntries(Object.values(HandoffStatus).map((s) => [s, s === 'redirected' || s === 'closed' || s === 'failed' ? Line : template('service')])) as {
        sent: ReturnType<typeof template<'service'>>;
        delivered: ReturnType<typeof template<'service'>>;
        accepted: ReturnType<typeof template<'service'>>;
        redirected: typeof Line;
        closed: typeof Line;
        failed: typeof Line;
      },
    ),
    outcome: template('outcome'),
    whoPerson: template('person', 'service'),
    whoService: template('service'),
    whoCouncil: template('council'),
    nobody: Line,
    ownHeading: Line,
    ownNone: Line,
    done: Line,
    markDone: Line,
    markDoneLabel: template('action'),
    addLabel: Line,
    addHint: Line,
    add: Line,
    added: Line,
    markedDone: Line,
    writeHeading: Line,
    writeTo: template('lead', 'council'),
    writeToTeam: template('council'),
    messageLabel: Line,
    send: Line,
    sent: Line,
    emptyText: Line,
    tooLong: template('max'),
    notYours: Line,
    tooMany: Line,
    notFromHere: Line,
    backToPlan: Line,
    emergency: Line,
    stoppedTitle: Line,
    stopped: Line,
    askForNew: template('council'),
    feedbackHeading: Line,
    feedbackIntro: Line,
    wellbeingLegend: Line,
    helpedLegend: template('service'),
    commentLabel: Line,
    feedbackSend: Line,
    feedbackThanks: Line,
    feedbackMissing: Line,
    yes: Line,
    no: Line,
  }),
  /**
   * The quality-of-life follow-up (hub/usecases/follow-up.ts): at most three short questions, answered by number
   * (or by button where the channel shows them: each at most 40 characters, starting with the number it stands for).
   */
  followUp: z.strictObject({
    wellbeing: template('council'),
    /** Much worse … much better, in order: the number each starts with is the answer. */
    scale: z.array(Button).length(5),
    oneService: template('service'),
    yes: Button,
    no: Button,
    severalServices: template('services'),
    none: Button,
    comment: Line,
    finish: Button,
    thanks: Line,
    thanksWithPerson: Line,
    byLink: template('council', 'link', 'until'),
    /** The same questions on a phone call the hub placed, answered by keys (one service at a time; no comment). */
    call: z.strictObject({
      wellbeing: template('council'),
      service: template('service'),
      /** Before a question asked again after a wrong key (or none). */
      again: Line,
      thanks: Line,
      /** The call ends unanswered: a wrong key twice, or nothing left to ask. */
      ended: Line,
    }),
  }),
});
export type CustomerWording = z.output<typeof CustomerWording>;

export const CUSTOMER_WORDING_PATH = new URL('./data/customer-wording.json', import.meta.url);

export function loadCustomerWording(source?: unknown): CustomerWording {
  return loadWording(CustomerWording, CUSTOMER_WORDING_PATH, 'hub/data/customer-wording.json', source);
}

/** Read once, as the modules that say these words are loaded. */
export const CUSTOMER_WORDING: CustomerWording = loadCustomerWording();
