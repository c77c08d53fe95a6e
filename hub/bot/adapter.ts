// The hub's own Bot Framework adapter: a turn is one customer message from any channel, and what the
// bot sends is collected and handed back, so the hub can store and send it on the customer's channel.
import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import { BaseAdapter, TurnContext, type AuthConfiguration, type ResourceResponse } from '@microsoft/agents-hosting';

const OUTBOX = Symbol('contact-hub.outbox');

export class HubBotAdapter extends BaseAdapter {
  // No Bot Framework tokens: turns come from the hub's own queue, never over the network.
  authConfig = { clientId: '', issuers: [] } as unknown as AuthConfiguration;

  /** Runs one turn and returns the activities the bot sent during it. */
  async runTurn(activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<Partial<Activity>[]> {
    const context = new TurnContext(this, activity);
    const outbox: Partial<Activity>[] = [];
    context.turnState.set(OUTBOX, outbox);
    await this.runMiddleware(context, logic);
    return outbox;
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const outbox = context.turnState.get<Partial<Activity>[]>(OUTBOX);
    outbox.push(...activities);
    return activities.map((_, i) => ({ id: `${outbox.length - activities.length + i}` }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('the hub does not edit messages already sent to a customer');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('the hub does not delete messages already sent to a customer');
  }

  async continueConversation(_reference: Partial<ConversationReference>): Promise<void> {
    throw new Error('proactive messages go through the hub’s outbound queue, not the bot adapter');
  }

  async uploadAttachment(): Promise<never> {
    throw new Error('attachments are not sent by the bot');
  }

  async getAttachmentInfo(): Promise<never> {
    throw new Error('attachments are not sent by the bot');
  }

  async getAttachment(): Promise<never> {
    throw new Error('attachments are not sent by the bot');
  }
}
