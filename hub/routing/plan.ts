// Who is offered which waiting conversation. Pure: the engine gathers the state, this decides, so the
// rules can be read here and tested from tables of cases.
//   1. Urgent conversations first, then the longest waiting.
//   2. Each goes to an available agent who may take it: in its team (if it waits for one), with the
//      skills for one of its needs, and with spare capacity on its channel.
//   3. Among those, the least loaded; then the one who has waited longest for an offer.
import type { ChannelKind } from '../../channels/contract.ts';
import { capabilitiesOf } from '../../channels/registry.ts';

export type Presence = 'available' | 'busy' | 'away' | 'offline';

export interface WaitingConversation {
  id: string;
  channel: ChannelKind;
  /** Need codes recorded on it so far. */
  needs: readonly string[];
  urgent: boolean;
  waitingSince: Date;
  /** The team it waits for; null: any agent. */
  teamId: string | null;
  /** Agents who said no to it during this wait: it is not offered to them again. */
  declinedBy: readonly string[];
}

export interface AgentState {
  id: string;
  presence: Presence;
  /** Need codes or areas ("housing" covers "housing.repairs"); empty: any need. */
  skills: readonly string[];
  teamIds: readonly string[];
  /** Conversations at once per channel; 0: not offered that channel. */
  capacity: Readonly<Partial<Record<ChannelKind, number>>>;
  /** Conversations assigned now plus offers pending, per channel. */
  load: Readonly<Partial<Record<ChannelKind, number>>>;
  lastOfferedAt: Date | null;
  /** Has a phone number or Twilio Client identity calls can be put through to. */
  takesCalls: boolean;
}

export interface PlannedOffer {
  conversationId: string;
  agentId: string;
}

/** Whether an agent's skills cover a need code: the code itself, or its area. */
export function skillCovers(skill: string, code: string): boolean {
  return skill === code || code.startsWith(`${skill}.`);
}

/** An agent with no skills takes any need; otherwise one of the conversation's needs must be theirs. */
export function hasSkillsFor(agent: Pick<AgentState, 'skills'>, needs: readonly string[]): boolean {
  if (agent.skills.length === 0 || needs.length === 0) return true;
  return needs.some((code) => agent.skills.some((skill) => skillCovers(skill, code)));
}

const totalLoad = (load: AgentState['load']) => Object.values(load).reduce<number>((sum, n) => sum + (n ?? 0), 0);

export function byPriority(a: WaitingConversation, b: WaitingConversation): number {
  if (a.urgent !== b.urgent) return a.urgent ? -1 : 1;
  return a.waitingSince.getTime() - b.waitingSince.getTime() || a.id.localeCompare(b.id);
}

/** Can this agent be offered this conversation now, given what has already been planned? */
export function canTake(agent: AgentState, conversation: WaitingConversation, load: AgentState['load']): boolean {
  if (agent.presence !== 'available') return false;
  if (conversation.teamId && !agent.teamIds.includes(conversation.teamId)) return false;
  if (conversation.declinedBy.includes(agent.id)) return false;
  // A call is put through to the agent's phone: only agents who have one are offered calls.
  if (capabilitiesOf(conversation.channel).speaks && !agent.takesCalls) return false;
  if ((load[conversation.channel] ?? 0) >= (agent.capacity[conversation.channel] ?? 0)) return false;
  return hasSkillsFor(agent, conversation.needs);
}

export function planOffers(input: { waiting: readonly WaitingConversation[]; agents: readonly AgentState[]; now: Date }): PlannedOffer[] {
  // Load and last offer change as offers are planned, so later conversations see them.
  const load = new Map(input.agents.map((a) => [a.id, { ...a.load }]));
  const lastOffered = new Map(input.agents.map((a) => [a.id, a.lastOfferedAt?.getTime() ?? -Infinity]));
  const offers: PlannedOffer[] = [];
  for (const conversation of [...input.waiting].sort(byPriority)) {
    let best: AgentState | undefined;
    for (const agent of input.agents) {
      if (!canTake(agent, conversation, load.get(agent.id)!)) continue;
      if (!best || compareAgents(agent, best, load, lastOffered) < 0) best = agent;
    }
    if (!best) continue;
    const bestLoad = load.get(best.id)!;
    bestLoad[conversation.channel] = (bestLoad[conversation.channel] ?? 0) + 1;
    lastOffered.set(best.id, input.now.getTime());
    offers.push({ conversationId: conversation.id, agentId: best.id });
  }
  return offers;
}

function compareAgents(a: AgentState, b: AgentState, load: Map<string, AgentState['load']>, lastOffered: Map<string, number>): number {
  return totalLoad(load.get(a.id)!) - totalLoad(load.get(b.id)!) || lastOffered.get(a.id)! - lastOffered.get(b.id)! || a.id.localeCompare(b.id);
}

export interface TeamCoverage {
  id: string;
  /** Need codes or areas the team answers. */
  needs: readonly string[];
}

/**
 * The team a conversation waits for: the one that answers most of its needs (urgent ones count
 * first), or null (any agent) when no team answers any of them. Ties go to the team listed first.
 */
export function pickTeam(needs: readonly { code: string; urgent: boolean }[], teams: readonly TeamCoverage[]): string | null {
  let best: { id: string; score: number } | null = null;
  for (const team of teams) {
    const covered = needs.filter((n) => team.needs.some((skill) => skillCovers(skill, n.code)));
    const score = covered.length + covered.filter((n) => n.urgent).length * 100;
    if (score > 0 && (!best || score > best.score)) best = { id: team.id, score };
  }
  return best?.id ?? null;
}
