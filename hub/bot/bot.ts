// The needs bot behind the hub's own small turn interface: one customer message in, the replies and what
// has been captured out. The dialog engine (Microsoft 365 Agents SDK dialogs) stays inside this folder.
import { Activity, ActivityTypes } from '@microsoft/agents-activity';
import { ConversationState, type Storage } from '@microsoft/agents-hosting';
import { DialogSet, DialogTurnStatus, type DialogState } from '@microsoft/agents-hosting-dialogs';
import type { ChannelKind } from '../../channels/contract.ts';
import { capabilitiesOf } from '../../channels/registry.ts';
import { HubBotAdapter } from './adapter.ts';
import { BOT_CHANNEL_ID, BOT_STATE_NAMESPACE } from './storage.ts';
import type { NeedsKnowledge } from './knowledge.ts';
import { EMAIL_DIALOG, EmailNeedsDialog, emptyCaptured, NeedsDialog, NEEDS_DIALOG, type Captured } from './needs-dialog.ts';

export interface BotTurnInput {
  conversationId: string;
  customerId: string;
  channel: ChannelKind;
  messageId: string;
  text: string;
  /**
   * The customer has an address on record that reaches them after the conversation (a phone number, an
   * email). When not, the bot asks how the teams can contact them before anything is handed on.
   */
  reachable: boolean;
}

export interface BotReply {
  text: string;
  /** Suggested replies, for channels that can show them as buttons. */
  suggestions: string[];
}

export interface BotTurnResult {
  replies: BotReply[];
  captured: Captured;
  /**
   * The needs may go straight to the services that own them: the bot is done and the customer said yes to
   * sharing, or only reported something about a place (a missed bin), where the report itself is for that service.
   */
  shareWithServices: boolean;
}

export interface NeedsBot {
  turn(input: BotTurnInput, storage: Storage): Promise<BotTurnResult>;
}

export function createNeedsBot(knowledge: NeedsKnowledge): NeedsBot {
  const adapter = new HubBotAdapter();
  return {
    async turn(input, storage) {
      const conversationState = new ConversationState(storage, BOT_STATE_NAMESPACE);
      const dialogState = conversationState.createProperty<DialogState>('dialogState');
      const capturedState = conversationState.createProperty<Captured>('captured');
      const dialogs = new DialogSet(dialogState).add(new NeedsDialog(knowledge, capturedState)).add(new EmailNeedsDialog(knowledge, capturedState));
      const activity = Activity.fromObject({
        type: ActivityTypes.Message,
        id: input.messageId,
        // A key pressed on a call is stored as "[pressed 1]"; the dialog's prompts understand "1".
        text: input.text.replace(/^\[pressed ([0-9*#]+)\]$/, '$1'),
        channelId: BOT_CHANNEL_ID,
        // The dialogs ask what the channel can do (channels/contract.ts ChannelCapabilities), never which it is.
        channelData: { capabilities: capabilitiesOf(input.channel), reachable: input.reachable },
        conversation: { id: input.conversationId },
        from: { id: input.customerId, role: 'user' },
        recipient: { id: 'contact-hub-bot', role: 'bot' },
        serviceUrl: 'urn:contact-hub',
      });
      let captured = emptyCaptured();
      const sent = await adapter.runTurn(activity, async (context) => {
        const dc = await dialogs.createContext(context);
        const result = await dc.continueDialog();
        captured = await capturedState.get(context, emptyCaptured());
        // Where the customer is not there to answer question by question (email), one complete answer.
        if (result.status === DialogTurnStatus.empty && !captured.outcome)
          await dc.beginDialog(capabilitiesOf(input.channel).turnByTurn ? NEEDS_DIALOG : EMAIL_DIALOG);
        captured = await capturedState.get(context, emptyCaptured());
        await conversationState.saveChanges(context, false);
      });
      const replies = sent
        .filter((a) => a.type === ActivityTypes.Message && a.text)
        .map((a) => ({ text: a.text!, suggestions: (a.suggestedActions?.actions ?? []).map((action) => String(action.title ?? action.value)) }));
      const codes = Object.keys(captured.needs);
      // Without a yes, only reports about a place go on (declared in related-needs.json): never a person's
      // circumstances. And only once the service has what it asks for (the place): an email asked for it in
      // its one reply, so a person hands it on with the answer.
      const placesOnly = codes.length > 0 && codes.every((c) => knowledge.isPlaceReport(c)) && knowledge.factsStillToAsk(codes, captured.facts).length === 0;
      const shareWithServices = captured.outcome === 'complete' && (captured.consent === true || (captured.consent === null && placesOnly));
      return { replies, captured, shareWithServices };
    },
  };
}
