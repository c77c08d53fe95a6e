// The customer's own plan, at the link we sent them: /plan/{token}. Plain server-rendered HTML with no script,
// so it works on any phone and needs no account. The token is the only key: an unknown, expired or stopped
// one gets the same "this link has stopped working" page, with the same status, and nothing of any plan.
// Every change is a form POST that must come from this page (Origin / Sec-Fetch-Site), is counted per link
// (a flood from one link is slowed, not the hub), is small, and carries the form's own id so that a double
// submit acts once. The page says nothing the customer did not already know: no notes, facts, other people.
import { randomBytes, randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ChannelKind, RateLimits } from '../../channels/contract.ts';
import type { Db } from '../../hub/db/client.ts';
import type { EffectsRunner } from '../../hub/effects.ts';
import { planForToken } from '../../hub/plan/links.ts';
import { loadCustomerPlan, type CustomerPlanView } from '../../hub/plan/view.ts';
import { Refused } from '../../hub/usecases/errors.ts';
import { MAX_ACTION_CHARS, MAX_MESSAGE_CHARS, PLAN_PAGE_CHANNEL, addOwnAction, markActionDone, writeToLead } from '../../hub/usecases/plan.ts';
import { CUSTOMER_WORDING } from '../../hub/wording.ts';
import { answerFollowUpForm } from '../../hub/usecases/follow-up.ts';
import { fromTheDesk } from './origin.ts';
import { escapeHtml as esc } from '../../channels/html.ts';
import type { IncomingHttpHeaders } from 'node:http';

export interface PlanPageDeps {
  db: Db;
  effects: EffectsRunner;
  publicBaseUrl: string;
  /** The council's name (COUNCIL_NAME); "the council" when unset. */
  council: string;
  needLabel: (code: string) => string;
  rateLimits: RateLimits;
  enabledChannels: readonly ChannelKind[];
  /** Changes per link in each ten minutes (default 20). */
  changesPerTenMinutes?: number;
}

/**
 * A form sent from the plan page itself. The page's Referrer-Policy (no-referrer, so the token never leaves in a
 * Referer) makes browsers send `Origin: null` on its own form posts, so the browser's Sec-Fetch-Site decides
 * where it says so (no page can forge it); older browsers are judged by Origin as the desk is (origin.ts).
 */
export function fromThePlanPage(headers: IncomingHttpHeaders, publicBaseUrl: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site === 'same-origin') return true;
  if (site) return false;
  return fromTheDesk(headers, publicBaseUrl);
}
const Form = z.object({ text: z.string().max(5000).default(''), requestId: z.uuid() });
const DoneForm = z.object({ requestId: z.uuid() });
const Said = z.enum(['added', 'done', 'sent', 'feedback']);
/** The follow-up form: how things are (1–5), yes or no per service (`helped-{serviceId}`), and a comment. */
const FeedbackForm = z.looseObject({
  requestId: z.uuid(),
  wellbeing: z.coerce.number().int().min(1).max(5).optional(),
  comment: z.string().max(5000).default(''),
});

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:1.125rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#0b0c0c;background:#fff}
header{background:#1d3557;color:#fff;padding:.75rem 1rem}
header p{margin:0;font-weight:700}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.75rem;margin:.5rem 0}
h2{font-size:1.375rem;margin:1.5rem 0 .5rem}
h3{font-size:1.125rem;margin:0 0 .25rem}
ul.cards{list-style:none;padding:0;margin:0}
ul.cards>li{border:1px solid #505a5f;border-radius:.25rem;padding:.75rem;margin:0 0 .75rem}
dl{margin:0}
dt{font-weight:700}
dd{margin:0 0 .5rem}
.done{color:#00703c;font-weight:700}
label{display:block;font-weight:700;margin:.5rem 0 .25rem}
.hint{color:#505a5f;margin:0 0 .25rem}
input[type=text],textarea{width:100%;font:inherit;padding:.5rem;border:2px solid #0b0c0c;border-radius:0}
textarea{min-height:7rem}
button{font:inherit;font-weight:700;min-height:2.75rem;padding:.5rem 1rem;margin:.5rem 0;border:2px solid #0b0c0c;border-radius:.25rem;background:#00703c;color:#fff;cursor:pointer}
button.secondary{background:#f3f2f1;color:#0b0c0c}
a{color:#1d70b8}
:focus-visible{outline:3px solid #ffdd00;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}
.said{border-left:5px solid #00703c;padding:.5rem .75rem;background:#f3f2f1}
.error{color:#d4351c;font-weight:700;margin:.25rem 0}
fieldset{border:0;padding:0;margin:0 0 1rem}
legend{font-weight:700;margin:0 0 .25rem}
label.choice{font-weight:400;display:flex;align-items:center;gap:.5rem;min-height:2.75rem;margin:0}
label.choice input{width:1.5rem;height:1.5rem;margin:0}
fieldset.invalid{border-left:5px solid #d4351c;padding-left:.75rem}
[aria-invalid=true]{border-color:#d4351c}
.emergency{margin-top:2rem;font-weight:700}
`;

function page(res: Response, status: number, title: string, council: string, body: string): void {
  const nonce = randomBytes(16).toString('base64');
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex, nofollow',
      // No script at all; the one style block by nonce; forms only back to this site; never framed.
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    })
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<meta name="robots" content="noindex, nofollow"><title>${esc(title)} – ${esc(council)}</title><style nonce="${nonce}">${STYLE}</style></head>` +
        `<body><header><p>${esc(council)}</p></header><main>${body}<p class="emergency">${esc(CUSTOMER_WORDING.planPage.emergency)}</p></main></body></html>`,
    );
}

/** The one answer for a token that opens nothing: unknown, expired or stopped look the same. */
function stopped(res: Response, council: string): void {
  page(
    res,
    404,
    CUSTOMER_WORDING.planPage.stoppedTitle,
    council,
    `<h1>${esc(CUSTOMER_WORDING.planPage.stoppedTitle)}</h1><p>${esc(CUSTOMER_WORDING.planPage.stopped)}</p><p>${esc(CUSTOMER_WORDING.planPage.askForNew.fill({ council }))}</p>`,
  );
}

function notice(res: Response, status: number, council: string, token: string, text: string): void {
  page(
    res,
    status,
    CUSTOMER_WORDING.planPage.title,
    council,
    `<h1>${esc(CUSTOMER_WORDING.planPage.title)}</h1><p role="alert">${esc(text)}</p><p><a href="/plan/${esc(token)}">${esc(CUSTOMER_WORDING.planPage.backToPlan)}</a></p>`,
  );
}

interface FormState {
  /** Which form failed, its words kept, and why. */
  failed?: { form: 'action' | 'message' | 'feedback'; text: string; error: string };
  said?: z.infer<typeof Said>;
}

function planBody(plan: CustomerPlanView, token: string, council: string, canWrite: boolean, state: FormState): string {
  const base = `/plan/${esc(token)}`;
  const said = state.said
    ? {
        added: CUSTOMER_WORDING.planPage.added,
        done: CUSTOMER_WORDING.planPage.markedDone,
        sent: CUSTOMER_WORDING.planPage.sent,
        feedback: CUSTOMER_WORDING.planPage.feedbackThanks,
      }[state.said]
    : null;
  const services = plan.services.length
    ? `<ul class="cards">${plan.services
        .map(
          (s) =>
            `<li><h3>${esc(s.needs.join('; '))}</h3><dl>` +
            `<dt>${esc(CUSTOMER_WORDING.planPage.service)}</dt><dd>${esc(s.service)}</dd>` +
            `<dt>${esc(CUSTOMER_WORDING.planPage.status)}</dt><dd>${esc(s.status)}</dd>` +
            `<dt>${esc(CUSTOMER_WORDING.planPage.reference)}</dt><dd>${esc(s.reference)}</dd>` +
            `<dt>${esc(CUSTOMER_WORDING.planPage.nextStep)}</dt><dd>${esc(s.nextStep)}${s.outcome ? ` ${esc(CUSTOMER_WORDING.planPage.outcome.fill({ outcome: s.outcome }))}` : ''}</dd>` +
            `<dt>${esc(CUSTOMER_WORDING.planPage.who)}</dt><dd>${esc(s.who)}</dd></dl></li>`,
        )
        .join('')}</ul>`
    : `<p>${esc(CUSTOMER_WORDING.planPage.nothingYet)}</p>`;
  const actions = plan.actions.length
    ? `<ul class="cards" id="own-actions">${plan.actions
        .map(
          (a) =>
            `<li><p>${esc(a.text)}</p>${
              a.doneAt
                ? `<p class="done">${esc(CUSTOMER_WORDING.planPage.done)}</p>`
                : `<form method="post" action="${base}/actions/${esc(a.id)}/done"><input type="hidden" name="requestId" value="${randomUUID()}">` +
                  `<button type="submit" class="secondary" aria-label="${esc(CUSTOMER_WORDING.planPage.markDoneLabel.fill({ action: a.text }))}">${esc(CUSTOMER_WORDING.planPage.markDone)}</button></form>`
            }</li>`,
        )
        .join('')}</ul>`
    : `<p>${esc(CUSTOMER_WORDING.planPage.ownNone)}</p>`;
  const failed = (form: 'action' | 'message') => (state.failed?.form === form ? state.failed : null);
  const field = (form: 'action' | 'message', id: string, control: (attrs: string) => string) => {
    const f = failed(form);
    const described = `${id}-hint${f ? ` ${id}-error` : ''}`;
    return `${f ? `<p class="error" id="${id}-error">${esc(f.error)}</p>` : ''}${control(`id="${id}" name="text" aria-describedby="${described}"${f ? ' aria-invalid="true" autofocus' : ''}`)}`;
  };
  const addForm =
    `<form method="post" action="${base}/actions"><input type="hidden" name="requestId" value="${randomUUID()}">` +
    `<label for="own-text">${esc(CUSTOMER_WORDING.planPage.addLabel)}</label><p class="hint" id="own-text-hint">${esc(CUSTOMER_WORDING.planPage.addHint)}</p>` +
    field('action', 'own-text', (attrs) => `<input type="text" ${attrs} maxlength="${MAX_ACTION_CHARS}" value="${esc(failed('action')?.text ?? '')}">`) +
    `<button type="submit">${esc(CUSTOMER_WORDING.planPage.add)}</button></form>`;
  const writeTo = plan.lead ? CUSTOMER_WORDING.planPage.writeTo.fill({ lead: plan.lead, council }) : CUSTOMER_WORDING.planPage.writeToTeam.fill({ council });
  const writeForm = canWrite
    ? `<h2 id="write">${esc(CUSTOMER_WORDING.planPage.writeHeading)}</h2><form method="post" action="${base}/messages"><input type="hidden" name="requestId" value="${randomUUID()}">` +
      `<label for="message-text">${esc(CUSTOMER_WORDING.planPage.messageLabel)}</label><p class="hint" id="message-text-hint">${esc(writeTo)}</p>` +
      field('message', 'message-text', (attrs) => `<textarea ${attrs} maxlength="${MAX_MESSAGE_CHARS}">${esc(failed('message')?.text ?? '')}</textarea>`) +
      `<button type="submit">${esc(CUSTOMER_WORDING.planPage.send)}</button></form>`
    : '';
  return (
    `<h1>${esc(CUSTOMER_WORDING.planPage.title)}</h1><p>${esc(CUSTOMER_WORDING.planPage.intro)}</p>` +
    (plan.lead ? `<p>${esc(CUSTOMER_WORDING.planPage.lead.fill({ council, lead: plan.lead }))}</p>` : '') +
    (said ? `<p class="said" role="status">${esc(said)}</p>` : '') +
    (plan.followUp ? feedbackForm(plan.followUp, base, state) : '') +
    `<h2>${esc(CUSTOMER_WORDING.planPage.helpingHeading)}</h2>${services}` +
    `<h2 id="own">${esc(CUSTOMER_WORDING.planPage.ownHeading)}</h2>${actions}${addForm}` +
    writeForm
  );
}

/** The follow-up's three questions, when one waits for its answers: radio buttons, and an optional comment. */
function feedbackForm(followUp: NonNullable<CustomerPlanView['followUp']>, base: string, state: FormState): string {
  const failed = state.failed?.form === 'feedback' ? state.failed : null;
  const scale = CUSTOMER_WORDING.followUp.scale
    .map(
      (label, i) =>
        `<label class="choice"><input type="radio" name="wellbeing" value="${i + 1}"${failed ? ' aria-invalid="true" aria-describedby="wellbeing-error"' : ''}> ${esc(label.replace(/^\d+\s*/, ''))}</label>`,
    )
    .join('');
  const services = followUp.services
    .map(
      (s) =>
        `<fieldset><legend>${esc(CUSTOMER_WORDING.planPage.helpedLegend.fill({ service: s.name }))}</legend>` +
        `<label class="choice"><input type="radio" name="helped-${esc(s.id)}" value="yes"> ${esc(CUSTOMER_WORDING.planPage.yes)}</label>` +
        `<label class="choice"><input type="radio" name="helped-${esc(s.id)}" value="no"> ${esc(CUSTOMER_WORDING.planPage.no)}</label></fieldset>`,
    )
    .join('');
  return (
    `<h2 id="feedback">${esc(CUSTOMER_WORDING.planPage.feedbackHeading)}</h2><p>${esc(CUSTOMER_WORDING.planPage.feedbackIntro)}</p>` +
    `<form method="post" action="${base}/feedback"><input type="hidden" name="requestId" value="${randomUUID()}">` +
    `<fieldset${failed ? ' class="invalid"' : ''}><legend>${esc(CUSTOMER_WORDING.planPage.wellbeingLegend)}</legend>` +
    (failed ? `<p class="error" id="wellbeing-error">${esc(failed.error)}</p>` : '') +
    `${scale}</fieldset>${services}` +
    `<label for="feedback-comment">${esc(CUSTOMER_WORDING.planPage.commentLabel)}</label>` +
    `<textarea id="feedback-comment" name="comment" maxlength="${MAX_MESSAGE_CHARS}">${esc(failed?.text ?? '')}</textarea>` +
    `<button type="submit">${esc(CUSTOMER_WORDING.planPage.feedbackSend)}</button></form>`
  );
}

export function planPageRouter(deps: PlanPageDeps) {
  const router = express.Router();
  const { council } = deps;
  const changes = deps.rateLimits.limit('plan-page', deps.changesPerTenMinutes ?? 20, 600);
  const canWrite = deps.enabledChannels.includes(PLAN_PAGE_CHANNEL);
  // Small forms only: an action is 300 characters, a message 1600.
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

  async function render(res: Response, status: number, planId: string, token: string, state: FormState): Promise<void> {
    const plan = await loadCustomerPlan(deps.db, planId, { needLabel: deps.needLabel, council });
    if (!plan) return stopped(res, council);
    page(res, status, CUSTOMER_WORDING.planPage.title, council, planBody(plan, token, council, canWrite, state));
  }

  router.get('/plan/:token', async (req, res) => {
    const found = await planForToken(deps.db, req.params.token);
    if (!found) return stopped(res, council);
    await deps.db.planLink.update({ where: { id: found.linkId }, data: { lastOpenedAt: new Date() } });
    const said = Said.safeParse(req.query.said);
    await render(res, 200, found.planId, req.params.token, { said: said.success ? said.data : undefined });
  });

  /** Every change: from this page, a working link, within the link's limit, a well-formed small form. */
  const change =
    <T>(schema: z.ZodType<T>, run: (req: Request, res: Response, planId: string, body: T) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const token = String(req.params.token);
      if (!fromThePlanPage(req.headers, deps.publicBaseUrl)) return notice(res, 403, council, token, CUSTOMER_WORDING.planPage.notFromHere);
      const found = await planForToken(deps.db, token);
      if (!found) return stopped(res, council);
      if (!(await changes.take(found.linkId))) return notice(res, 429, council, token, CUSTOMER_WORDING.planPage.tooMany);
      const body = schema.safeParse(req.body ?? {});
      if (!body.success) return notice(res, 400, council, token, CUSTOMER_WORDING.planPage.notFromHere);
      try {
        await run(req, res, found.planId, body.data);
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        await deps.effects.run(error.effects);
        if (error.code === 'not_found') return notice(res, 404, council, token, CUSTOMER_WORDING.planPage.notYours);
        if (error.code === 'gone') return stopped(res, council);
        return notice(res, 409, council, token, CUSTOMER_WORDING.planPage.notFromHere);
      }
    };

  /** The words the form sent, or why they cannot be taken (the page is shown again with them). */
  const wordsOf = (text: string, max: number): { ok: true; text: string } | { ok: false; error: string } => {
    const trimmed = text.trim();
    if (!trimmed) return { ok: false, error: CUSTOMER_WORDING.planPage.emptyText };
    if (trimmed.length > max) return { ok: false, error: CUSTOMER_WORDING.planPage.tooLong.fill({ max }) };
    return { ok: true, text: trimmed };
  };

  router.post(
    '/plan/:token/actions',
    form,
    change(Form, async (req, res, planId, body) => {
      const words = wordsOf(body.text, MAX_ACTION_CHARS);
      if (!words.ok) return render(res, 400, planId, String(req.params.token), { failed: { form: 'action', text: body.text, error: words.error } });
      const { effects } = await addOwnAction(deps.db, { planId, text: words.text, requestId: body.requestId, addedBy: 'customer' });
      await deps.effects.run(effects);
      res.redirect(303, `/plan/${req.params.token}?said=added#own`);
    }),
  );

  router.post(
    '/plan/:token/actions/:actionId/done',
    form,
    change(DoneForm, async (req, res, planId) => {
      const actionId = z.uuid().safeParse(req.params.actionId);
      if (!actionId.success) throw new Refused('not_found', 'that action is not on this plan');
      const { effects } = await markActionDone(deps.db, { planId, actionId: actionId.data });
      await deps.effects.run(effects);
      res.redirect(303, `/plan/${req.params.token}?said=done#own`);
    }),
  );

  router.post(
    '/plan/:token/messages',
    form,
    change(Form, async (req, res, planId, body) => {
      const words = wordsOf(body.text, MAX_MESSAGE_CHARS);
      if (!words.ok) return render(res, 400, planId, String(req.params.token), { failed: { form: 'message', text: body.text, error: words.error } });
      const { effects } = await writeToLead(deps.db, { planId, text: words.text, requestId: body.requestId, enabledChannels: deps.enabledChannels });
      await deps.effects.run(effects);
      res.redirect(303, `/plan/${req.params.token}?said=sent#write`);
    }),
  );

  router.post(
    '/plan/:token/feedback',
    // One yes-or-no per service: more fields than the other forms.
    express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 40 }),
    change(FeedbackForm, async (req, res, planId, body) => {
      const token = String(req.params.token);
      if (!body.wellbeing)
        return render(res, 400, planId, token, { failed: { form: 'feedback', text: body.comment, error: CUSTOMER_WORDING.planPage.feedbackMissing } });
      const helped = new Map<string, boolean>();
      for (const [key, value] of Object.entries(body))
        if (key.startsWith('helped-') && (value === 'yes' || value === 'no')) helped.set(key.slice('helped-'.length), value === 'yes');
      const comment = body.comment.trim().slice(0, MAX_MESSAGE_CHARS);
      const answered = await answerFollowUpForm(deps.db, { enabledChannels: deps.enabledChannels }, { planId, wellbeing: body.wellbeing, helped, comment });
      await deps.effects.run(answered.effects);
      // Their own words are read by a person: they reach the lead agent as the customer's message.
      if (answered.answered && comment && canWrite) {
        const written = await writeToLead(deps.db, { planId, text: comment, requestId: body.requestId, enabledChannels: deps.enabledChannels });
        await deps.effects.run(written.effects);
      }
      res.redirect(303, `/plan/${token}?said=feedback`);
    }),
  );

  // A form too large to read (or not a form): said in the page's words, never as the parser's JSON.
  router.use('/plan', (error: Error & { status?: number }, req: Request, res: Response, next: NextFunction) => {
    if (!error.status || error.status >= 500) return next(error);
    const token = req.path.split('/')[1] ?? '';
    notice(
      res,
      error.status,
      council,
      token,
      error.status === 413 ? CUSTOMER_WORDING.planPage.tooLong.fill({ max: MAX_MESSAGE_CHARS }) : CUSTOMER_WORDING.planPage.notFromHere,
    );
  });
  return router;
}
