// The router's rules, from tables of cases: who is offered which waiting conversation.
import { describe, expect, it } from 'vitest';
import { pickTeam, planOffers, type AgentState, type WaitingConversation } from '../../hub/routing/plan.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const CAPACITY = { voice: 1, webchat: 3, sms: 3, botframework: 3, email: 5, whatsapp: 3 };

function agent(id: string, over: Partial<AgentState> = {}): AgentState {
  return { id, presence: 'available', skills: [], teamIds: [], capacity: CAPACITY, load: {}, lastOfferedAt: null, takesCalls: true, ...over };
}
function waiting(id: string, over: Partial<WaitingConversation> = {}): WaitingConversation {
  return { id, channel: 'webchat', needs: [], urgent: false, waitingSince: minutesAgo(1), teamId: null, declinedBy: [], ...over };
}
const plan = (waitingList: WaitingConversation[], agents: AgentState[]) =>
  planOffers({ waiting: waitingList, agents, now: NOW }).map((o) => `${o.conversationId}→${o.agentId}`);

describe('planOffers', () => {
  const cases: { name: string; waiting: WaitingConversation[]; agents: AgentState[]; expected: string[] }[] = [
    { name: 'nobody waiting: no offers', waiting: [], agents: [agent('a')], expected: [] },
    {
      name: 'nobody available: the conversation keeps waiting',
      waiting: [waiting('c1')],
      agents: [agent('a', { presence: 'away' }), agent('b', { presence: 'busy' }), agent('o', { presence: 'offline' })],
      expected: [],
    },
    { name: 'one waiting, one available: offered', waiting: [waiting('c1')], agents: [agent('a')], expected: ['c1→a'] },
    {
      name: 'urgent goes before a longer wait',
      waiting: [waiting('old', { waitingSince: minutesAgo(30) }), waiting('urgent', { urgent: true, waitingSince: minutesAgo(1) })],
      agents: [agent('a', { capacity: { ...CAPACITY, webchat: 1 } })],
      expected: ['urgent→a'],
    },
    {
      name: 'then the longest waiting',
      waiting: [waiting('new', { waitingSince: minutesAgo(1) }), waiting('old', { waitingSince: minutesAgo(9) })],
      agents: [agent('a', { capacity: { ...CAPACITY, webchat: 1 } })],
      expected: ['old→a'],
    },
    {
      name: 'ties go to the least-loaded agent',
      waiting: [waiting('c1')],
      agents: [agent('busy', { load: { webchat: 2 } }), agent('idle', { load: { email: 1 } }), agent('free')],
      expected: ['c1→free'],
    },
    {
      name: 'load counts every channel, not only this one',
      waiting: [waiting('c1')],
      agents: [agent('a', { load: { email: 3 } }), agent('b', { load: { webchat: 1 } })],
      expected: ['c1→b'],
    },
    {
      name: 'equally loaded: the one offered least recently',
      waiting: [waiting('c1')],
      agents: [agent('recent', { lastOfferedAt: minutesAgo(1) }), agent('earlier', { lastOfferedAt: minutesAgo(20) })],
      expected: ['c1→earlier'],
    },
    {
      name: 'several waiting are spread over the free agents',
      waiting: [waiting('c1', { waitingSince: minutesAgo(3) }), waiting('c2', { waitingSince: minutesAgo(2) }), waiting('c3', { waitingSince: minutesAgo(1) })],
      agents: [agent('a'), agent('b')],
      expected: ['c1→a', 'c2→b', 'c3→a'],
    },
    {
      name: 'no spare capacity on the channel: not offered',
      waiting: [waiting('call', { channel: 'voice' })],
      agents: [agent('a', { load: { voice: 1 } })],
      expected: [],
    },
    {
      name: 'a call goes only to an agent whose phone it can be put through to',
      waiting: [waiting('call', { channel: 'voice' })],
      agents: [agent('no-phone', { takesCalls: false }), agent('phone', { load: { webchat: 2 } })],
      expected: ['call→phone'],
    },
    {
      name: 'capacity 0 means the agent does not take that channel',
      waiting: [waiting('mail', { channel: 'email' })],
      agents: [agent('chat-only', { capacity: { ...CAPACITY, email: 0 } }), agent('any', { load: { webchat: 2 } })],
      expected: ['mail→any'],
    },
    {
      name: 'capacity fills up within one plan',
      waiting: [waiting('c1', { waitingSince: minutesAgo(3) }), waiting('c2', { waitingSince: minutesAgo(2) })],
      agents: [agent('a', { capacity: { ...CAPACITY, webchat: 1 } })],
      expected: ['c1→a'],
    },
    {
      name: 'an agent without the skill is never offered it, even when free',
      waiting: [waiting('c1', { needs: ['safety.domestic-abuse'] })],
      agents: [agent('housing', { skills: ['housing'] })],
      expected: [],
    },
    {
      name: 'an area skill covers its codes; the skilled agent wins over a less-loaded one without it',
      waiting: [waiting('c1', { needs: ['housing.repairs'] })],
      agents: [agent('money', { skills: ['money.debt'] }), agent('housing', { skills: ['housing'], load: { sms: 2 } })],
      expected: ['c1→housing'],
    },
    {
      name: 'one of several needs is enough',
      waiting: [waiting('c1', { needs: ['housing.homeless', 'education.school'] })],
      agents: [agent('schools', { skills: ['education.school'] })],
      expected: ['c1→schools'],
    },
    {
      name: 'an agent with no skills takes any need',
      waiting: [waiting('c1', { needs: ['safety.domestic-abuse'] })],
      agents: [agent('generalist')],
      expected: ['c1→generalist'],
    },
    {
      name: 'a conversation waiting for a team goes only to its members',
      waiting: [waiting('c1', { teamId: 'housing-team' })],
      agents: [agent('outsider'), agent('member', { teamIds: ['housing-team'], load: { webchat: 2 } })],
      expected: ['c1→member'],
    },
    {
      name: 'an agent who declined it is not offered it again in this wait',
      waiting: [waiting('c1', { declinedBy: ['a'] })],
      agents: [agent('a'), agent('b', { load: { webchat: 2 } })],
      expected: ['c1→b'],
    },
    {
      name: 'declined by the only agent: it waits',
      waiting: [waiting('c1', { declinedBy: ['a'] })],
      agents: [agent('a')],
      expected: [],
    },
  ];
  it.each(cases)('$name', ({ waiting: w, agents, expected }) => {
    expect(plan(w, agents)).toEqual(expected);
  });

  it('never offers one conversation twice, nor beyond anyone’s capacity, over many random states', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const channels = ['webchat', 'sms', 'email', 'voice'] as const;
    for (let round = 0; round < 200; round++) {
      const agents = Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) =>
        agent(`a${i}`, {
          presence: random() < 0.7 ? 'available' : 'away',
          capacity: { ...CAPACITY, webchat: Math.floor(random() * 3) },
          load: { webchat: Math.floor(random() * 2) },
        }),
      );
      const list = Array.from({ length: Math.floor(random() * 12) }, (_, i) =>
        waiting(`c${i}`, { channel: channels[Math.floor(random() * 4)]!, urgent: random() < 0.2, waitingSince: minutesAgo(random() * 60) }),
      );
      const offers = planOffers({ waiting: list, agents, now: NOW });
      expect(new Set(offers.map((o) => o.conversationId)).size).toBe(offers.length);
      for (const a of agents) {
        for (const channel of channels) {
          const given = offers.filter((o) => o.agentId === a.id && list.find((c) => c.id === o.conversationId)!.channel === channel).length;
          if (given) expect(a.presence).toBe('available');
          expect((a.load[channel] ?? 0) + given).toBeLessThanOrEqual(Math.max(a.capacity[channel] ?? 0, a.load[channel] ?? 0));
        }
      }
      // Nobody is left waiting while an agent could take them.
      const offered = new Set(offers.map((o) => o.conversationId));
      const loadAfter = new Map(agents.map((a) => [a.id, { ...a.load }]));
      for (const o of offers) {
        const c = list.find((x) => x.id === o.conversationId)!;
        loadAfter.get(o.agentId)![c.channel] = (loadAfter.get(o.agentId)![c.channel] ?? 0) + 1;
      }
      for (const c of list.filter((x) => !offered.has(x.id)))
        for (const a of agents) expect(a.presence !== 'available' || (loadAfter.get(a.id)![c.channel] ?? 0) >= (a.capacity[c.channel] ?? 0)).toBe(true);
    }
  });
});

describe('pickTeam', () => {
  const teams = [
    { id: 'housing', needs: ['housing'] },
    { id: 'families', needs: ['education', 'family'] },
    { id: 'safety', needs: ['safety.domestic-abuse'] },
  ];
  it.each([
    { name: 'no needs yet: any agent', needs: [], expected: null },
    { name: 'no team answers it: any agent', needs: [{ code: 'legal.immigration', urgent: false }], expected: null },
    { name: 'the team that answers the need', needs: [{ code: 'housing.repairs', urgent: false }], expected: 'housing' },
    {
      name: 'the team that answers most of them',
      needs: [
        { code: 'housing.homeless', urgent: false },
        { code: 'education.school', urgent: false },
        { code: 'family.childcare', urgent: false },
      ],
      expected: 'families',
    },
    {
      name: 'an urgent need decides',
      needs: [
        { code: 'housing.homeless', urgent: false },
        { code: 'housing.repairs', urgent: false },
        { code: 'safety.domestic-abuse', urgent: true },
      ],
      expected: 'safety',
    },
    {
      name: 'a tie goes to the team listed first',
      needs: [
        { code: 'housing.homeless', urgent: false },
        { code: 'education.school', urgent: false },
      ],
      expected: 'housing',
    },
  ])('$name', ({ needs, expected }) => {
    expect(pickTeam(needs, teams)).toBe(expected);
  });
});
