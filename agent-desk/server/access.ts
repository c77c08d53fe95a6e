// Who on the desk may see which conversation. Supervisors and admins see every one. An agent sees what is
// theirs, what waits for one of their teams, and what waits for no team in particular; an agent in no team
// (the general contact centre) sees every one. Service-team accounts do not use the desk's conversations.
// The routes' rules are in policy.ts; this is what they and the live events share.
import type { Db } from '../../hub/db/client.ts';
import type { SignedInAgent } from './auth.ts';

export interface Viewer {
  id: string;
  role: SignedInAgent['role'];
  teamIds: string[];
  /** A service-team account's service: it hears about that service's hand-offs. */
  serviceId?: string | null;
}

export async function viewerOf(db: Db, agent: Pick<SignedInAgent, 'id' | 'role'>): Promise<Viewer> {
  const row = await db.agent.findUnique({ where: { id: agent.id }, select: { serviceId: true, teams: { select: { teamId: true } } } });
  return { id: agent.id, role: agent.role, teamIds: row?.teams.map((t) => t.teamId) ?? [], serviceId: row?.serviceId ?? null };
}

export const seesAll = (viewer: Viewer) => viewer.role === 'supervisor' || viewer.role === 'admin' || (viewer.role === 'agent' && viewer.teamIds.length === 0);

export function maySee(viewer: Viewer, conversation: { teamId: string | null; assignedAgentId: string | null }): boolean {
  if (seesAll(viewer)) return true;
  if (viewer.role !== 'agent') return false;
  return conversation.assignedAgentId === viewer.id || conversation.teamId === null || viewer.teamIds.includes(conversation.teamId);
}

/** Socket.io rooms a desk socket joins, and the rooms an event about a conversation goes to. */
export const rooms = {
  agent: (agentId: string) => `agent:${agentId}`,
  team: (teamId: string) => `team:${teamId}`,
  /** Supervisors, admins and agents in no team: they see every conversation. */
  everything: 'see-all',
  /** Every desk account that works conversations: for those that wait for no team in particular. */
  desk: 'agents',
  supervisors: 'supervisors',
  /** A service team's accounts (the desk's service view). */
  service: (serviceId: string) => `service:${serviceId}`,
} as const;

export function roomsFor(viewer: Viewer): string[] {
  if (viewer.role === 'service') return [rooms.agent(viewer.id), ...(viewer.serviceId ? [rooms.service(viewer.serviceId)] : [])];
  const joined: string[] = [rooms.desk, rooms.agent(viewer.id), ...viewer.teamIds.map(rooms.team)];
  if (seesAll(viewer)) joined.push(rooms.everything);
  if (viewer.role === 'supervisor' || viewer.role === 'admin') joined.push(rooms.supervisors);
  return joined;
}

/** The audience of an event about one conversation. */
export function audienceOf(conversation: { teamId: string | null; assignedAgentId: string | null }): string[] {
  if (!conversation.teamId) return [rooms.desk];
  return [rooms.everything, rooms.team(conversation.teamId), ...(conversation.assignedAgentId ? [rooms.agent(conversation.assignedAgentId)] : [])];
}
