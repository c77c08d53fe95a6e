// Email target: the hand-off as an email to the team's address, sent through the email channel (the council's
// relay). Its Message-ID is kept, so the team's reply threads back (email-reply.ts).
import type { ChannelAdapter } from '../../../channels/contract.ts';
import type { Db } from '../../db/client.ts';
import { DeliveryError, type Delivery } from './errors.ts';
import { feedbackLines, inTheirWords, relayedMessage, summaryLines, type HandoffView } from '../view.ts';

export async function sendEmail(db: Db, email: ChannelAdapter | undefined, view: HandoffView, delivery: Delivery): Promise<void> {
  if (!email) throw new DeliveryError('email is not switched on in this hub', true);
  if (delivery.kind === 'update') return; // the service's own status changes need no email back to it
  const service = await db.service.findUniqueOrThrow({ where: { id: view.service.id }, select: { handoffEmail: true } });
  if (!service.handoffEmail) throw new DeliveryError(`${view.service.name} has no hand-off email address`, true);
  if (delivery.kind === 'customer_message') {
    const answer = relayedMessage(view, delivery.messageId);
    // In the hand-off email's thread, so the team's mail program shows them together.
    const { emailMessageId } = await db.handoff.findUniqueOrThrow({ where: { id: view.id }, select: { emailMessageId: true } });
    await email.send({
      messageId: delivery.id,
      channel: email.kind,
      to: service.handoffEmail,
      subject: `Hand-off ${view.reference}: the customer answered`,
      text: [
        `The customer answered your message about hand-off ${view.reference}:`,
        '',
        ...answer.text.split('\n').map((l) => `> ${l}`),
        '',
        'Reply to this email to answer them.',
      ].join('\n'),
      thread: emailMessageId ? { inReplyTo: emailMessageId, references: [emailMessageId] } : undefined,
    });
    return;
  }
  if (delivery.kind === 'feedback') {
    const { emailMessageId } = await db.handoff.findUniqueOrThrow({ where: { id: view.id }, select: { emailMessageId: true } });
    await email.send({
      messageId: delivery.id,
      channel: email.kind,
      to: service.handoffEmail,
      subject: `Hand-off ${view.reference}: how the customer says things are`,
      text: feedbackLines(view, delivery.followUpId).join('\n'),
      thread: emailMessageId ? { inReplyTo: emailMessageId, references: [emailMessageId] } : undefined,
    });
    return;
  }
  const reminder = delivery.kind === 'reminder' ? 'Reminder: not yet accepted. ' : '';
  const lines = [
    ...summaryLines(view),
    '',
    'In their words:',
    ...inTheirWords(view).map((text) => `> ${text}`),
    '',
    'Reply to this email to answer the customer; your reply is sent to them and kept with the hand-off.',
  ];
  const sent = await email.send({
    messageId: delivery.id,
    channel: email.kind,
    to: service.handoffEmail,
    subject: `${reminder}${view.urgent ? 'URGENT ' : ''}Hand-off ${view.reference}: ${view.needs.map((n) => n.label).join('; ')}`.slice(0, 200),
    text: lines.join('\n'),
  });
  if (delivery.kind === 'handoff') await db.handoff.update({ where: { id: view.id }, data: { emailMessageId: sent.providerMessageId } });
}
