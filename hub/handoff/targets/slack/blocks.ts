// The hand-off as a Slack message (Block Kit): what the service needs, the plan around it, and the buttons
// that act on it. Pure: the same view always renders the same message, so an update is just a re-render.
import type { HandoffView } from '../../view.ts';
import { STATUS_WORDS, inTheirWords, summaryLines } from '../../view.ts';
import { replyWordsFor } from '../../../../channels/registry.ts';

export const ACTIONS = { accept: 'handoff.accept', redirect: 'handoff.redirect', reply: 'handoff.reply', close: 'handoff.close' } as const;
export const VIEWS = { reply: 'handoff.reply', close: 'handoff.close' } as const;

type Block = Record<string, unknown>;
const text = (t: string) => ({ type: 'mrkdwn', text: t });
const plain = (t: string) => ({ type: 'plain_text', text: t.slice(0, 75), emoji: false });
/** Slack mrkdwn treats <, > and & as markup: what a customer wrote is escaped, never rendered. */
export const escapeMrkdwn = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The notification text (shown where blocks are not, and read by screen readers in notifications). */
export function fallbackText(view: HandoffView): string {
  return `${view.urgent ? 'URGENT hand-off' : 'Hand-off'} ${view.reference}: ${view.needs.map((n) => n.label).join('; ')}`;
}

export function handoffBlocks(view: HandoffView, otherServices: readonly { id: string; name: string }[]): Block[] {
  const title = `${view.urgent ? '🚨 URGENT · ' : ''}Hand-off ${view.reference} · ${view.service.name}`;
  const blocks: Block[] = [
    { type: 'header', text: plain(title.slice(0, 150)) },
    { type: 'section', text: text(escapeMrkdwn(summaryLines(view).join('\n')).slice(0, 3000)) },
  ];
  const said = inTheirWords(view);
  if (said.length)
    blocks.push({ type: 'section', text: text(`*In their words*\n${said.map((l) => `> ${escapeMrkdwn(l).replace(/\n/g, ' ')}`).join('\n')}`.slice(0, 3000)) });
  const others = view.plan.actions.filter((a) => a.id !== view.id);
  if (others.length)
    blocks.push({
      type: 'context',
      elements: [text(`Also in this plan: ${others.map((a) => `${a.service} (${STATUS_WORDS[a.status]})`).join(' · ')}`.slice(0, 3000))],
    });
  const status =
    view.status === 'accepted' && view.acceptedBy
      ? `Accepted by ${view.acceptedBy}`
      : `Status: ${STATUS_WORDS[view.status]}${view.outcome ? ` · ${view.outcome}` : ''}`;
  blocks.push({
    type: 'context',
    elements: [
      text(
        `*${escapeMrkdwn(status)}* · Accept by ${view.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · Replies in this thread go to the customer by ${replyWordsFor(view.customer.channel)}`,
      ),
    ],
  });

  if (view.status === 'closed' || view.status === 'redirected') return blocks;
  const elements: Block[] = [];
  if (view.status !== 'accepted') elements.push({ type: 'button', action_id: ACTIONS.accept, text: plain('Accept'), style: 'primary', value: view.id });
  elements.push({ type: 'button', action_id: ACTIONS.reply, text: plain('Reply to the customer'), value: view.id });
  if (otherServices.length)
    elements.push({
      type: 'static_select',
      action_id: ACTIONS.redirect,
      placeholder: plain('Redirect to another service'),
      options: otherServices.slice(0, 100).map((s) => ({ text: plain(s.name), value: `${view.id}:${s.id}` })),
    });
  elements.push({ type: 'button', action_id: ACTIONS.close, text: plain('Close'), value: view.id });
  blocks.push({ type: 'actions', block_id: `handoff:${view.id}`, elements });
  return blocks;
}

/** A modal asking for one piece of text (the reply to the customer, or how it was closed). */
export function textModal(kind: keyof typeof VIEWS, view: Pick<HandoffView, 'id' | 'reference' | 'customer'>): Block {
  const reply = kind === 'reply';
  return {
    type: 'modal',
    callback_id: VIEWS[kind],
    private_metadata: view.id,
    title: plain(reply ? 'Reply to the customer' : 'Close the hand-off'),
    submit: plain(reply ? 'Send' : 'Close it'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'text',
        label: plain(reply ? `Your reply (sent by ${replyWordsFor(view.customer.channel)})` : 'What was done'),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: reply ? 1500 : 500 },
      },
    ],
  };
}
