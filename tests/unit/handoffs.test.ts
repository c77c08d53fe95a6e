// The pure parts of hand-offs: which service gets which need, what the customer is told, and what a Slack
// team sees (and cannot be tricked by: a customer's words are never Slack markup).
import { describe, expect, it } from 'vitest';
import { planHandoffs, type OwningService } from '../../hub/handoff/owners.ts';
import { confirmationText } from '../../hub/handoff/create.ts';
import { progressText } from '../../hub/handoff/progress.ts';
import { handoffBlocks } from '../../hub/handoff/targets/slack/blocks.ts';
import { feedbackLines, summaryLines, type HandoffView } from '../../hub/handoff/view.ts';

const service = (id: string, needs: string[], extra: Partial<OwningService> = {}): OwningService => ({
  id,
  name: id,
  needs,
  priority: 100,
  active: true,
  ...extra,
});

describe('planHandoffs', () => {
  const directory = [
    service('housing', ['housing.homeless', 'housing.repairs']),
    service('advice', ['money.debt', 'money.benefits', 'legal.immigration']),
    service('debt-charity', ['money.debt'], { priority: 50 }),
    service('closed-service', ['food.insecurity'], { active: false }),
  ];
  const cases: {
    name: string;
    needs: { code: string; urgent: boolean }[];
    expected: { handoffs: { serviceId: string; needs: string[]; urgent: boolean }[]; unowned: string[] };
  }[] = [
    {
      name: 'one need, one owner',
      needs: [{ code: 'housing.homeless', urgent: false }],
      expected: { handoffs: [{ serviceId: 'housing', needs: ['housing.homeless'], urgent: false }], unowned: [] },
    },
    {
      name: 'two needs of one service go in one hand-off',
      needs: [
        { code: 'housing.homeless', urgent: false },
        { code: 'housing.repairs', urgent: false },
      ],
      expected: { handoffs: [{ serviceId: 'housing', needs: ['housing.homeless', 'housing.repairs'], urgent: false }], unowned: [] },
    },
    {
      name: 'the lower priority number wins a shared need',
      needs: [
        { code: 'money.debt', urgent: false },
        { code: 'money.benefits', urgent: false },
      ],
      expected: {
        handoffs: [
          { serviceId: 'debt-charity', needs: ['money.debt'], urgent: false },
          { serviceId: 'advice', needs: ['money.benefits'], urgent: false },
        ],
        unowned: [],
      },
    },
    {
      name: 'urgent hand-offs first; an inactive owner owns nothing',
      needs: [
        { code: 'food.insecurity', urgent: false },
        { code: 'money.benefits', urgent: false },
        { code: 'housing.homeless', urgent: true },
      ],
      expected: {
        handoffs: [
          { serviceId: 'housing', needs: ['housing.homeless'], urgent: true },
          { serviceId: 'advice', needs: ['money.benefits'], urgent: false },
        ],
        unowned: ['food.insecurity'],
      },
    },
    { name: 'nothing owned', needs: [{ code: 'care.carer', urgent: false }], expected: { handoffs: [], unowned: ['care.carer'] } },
  ];
  for (const c of cases) it(c.name, () => expect(planHandoffs(c.needs, directory)).toEqual(c.expected));

  it('every need lands in exactly one place, whatever the order', () => {
    const codes = ['housing.homeless', 'money.debt', 'food.insecurity', 'money.benefits', 'care.carer', 'housing.repairs'];
    for (let round = 0; round < 50; round++) {
      const needs = [...codes].sort(() => Math.random() - 0.5).map((code) => ({ code, urgent: Math.random() < 0.3 }));
      const plan = planHandoffs(needs, directory);
      const placed = [...plan.handoffs.flatMap((h) => h.needs), ...plan.unowned].sort();
      expect(placed).toEqual([...codes].sort());
      expect(new Set(plan.handoffs.map((h) => h.serviceId)).size).toBe(plan.handoffs.length);
    }
  });
});

describe('what the customer is told', () => {
  const say = (code: string) => ({ 'housing.homeless': 'somewhere to live', 'education.school': 'a school place', 'food.insecurity': 'food' })[code] ?? code;
  it('names each service, what it is about and its reference; and who keeps the rest', () => {
    const text = confirmationText(
      [
        { serviceName: 'Housing Options', needs: ['housing.homeless'], reference: 'HX7K2M9Q' },
        { serviceName: 'School Admissions', needs: ['education.school'], reference: 'SC4ND7WE' },
      ],
      ['food.insecurity'],
      say,
    );
    expect(text.split('\n')).toEqual([
      'We have passed your details on, so you will not need to tell your story again:',
      '- Housing Options, about somewhere to live. Reference HX7K2M9Q',
      '- School Admissions, about a school place. Reference SC4ND7WE',
      'They will contact you.',
      'A person from our team will help with food.',
      'Reply with a reference at any time to ask how it is going.',
    ]);
  });
  it('tells progress in plain words, with what was done when closed', () => {
    const text = progressText([
      { service: 'Housing Options', reference: 'HX7K2M9Q', status: 'accepted', outcome: null },
      { service: 'School Admissions', reference: 'SC4ND7WE', status: 'closed', outcome: 'Place offered at Hill Primary' },
    ]);
    expect(text).toContain('Housing Options (reference HX7K2M9Q): they are working on it.');
    expect(text).toContain('School Admissions (reference SC4ND7WE): finished (Place offered at Hill Primary).');
  });
});

/** A hand-off as the targets read it (hub/handoff/view.ts), with what a test changes. */
const view = (over: Partial<HandoffView> = {}): HandoffView => ({
  id: '5f0c1d7e-0000-4000-8000-000000000001',
  reference: 'HX7K2M9Q',
  conversationId: '5f0c1d7e-0000-4000-8000-0000000000c1',
  status: 'delivered',
  statusAt: new Date('2026-11-23T10:00:00Z'),
  urgent: false,
  createdAt: new Date('2026-11-23T10:00:00Z'),
  dueAt: new Date('2026-11-23T14:00:00Z'),
  escalatedAt: null,
  acceptedBy: null,
  outcome: null,
  note: null,
  consent: { at: new Date('2026-11-23T10:00:00Z'), recordedBy: 'the customer, to the needs conversation' },
  service: { id: 's1', externalId: 'svc-housing', name: 'Housing Options', organisation: 'Testford Council', target: 'slack', slackChannel: 'C0HOUSING01' },
  customer: {
    id: 'c1',
    name: 'Jo Bloggs',
    phone: '+447911200501',
    email: null,
    postcode: 'TF1 1AA',
    language: null,
    preferredChannel: null,
    accessibilityNeeds: [],
    channel: 'sms',
  },
  needs: [{ code: 'housing.homeless', label: 'Homeless or at risk of losing home' }],
  facts: [{ key: 'deadline', label: 'Deadline', value: 'Friday' }],
  messages: [],
  excerpt: [{ at: '2026-11-23T10:00:00Z', from: 'customer', channel: 'sms', text: 'we were evicted <!channel> please help <https://evil.example|click>' }],
  slack: null,
  feedback: [],
  plan: { id: 'p1', lead: null, actions: [] },
  ...over,
});

describe('the Slack message', () => {
  const text = (blocks: unknown) => JSON.stringify(blocks);

  it('shows what the service needs, with the customer’s words escaped (no mentions or links can be smuggled in)', () => {
    const blocks = text(handoffBlocks(view(), [{ id: 's2', name: 'Advice Centre' }]));
    expect(blocks).toContain('Deadline: Friday');
    expect(blocks).toContain('+447911200501');
    expect(blocks).toContain('&lt;!channel&gt;');
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).not.toContain('<https://evil.example|click>');
  });
  it('shows words that give two facts once, under both names', () => {
    const facts = [
      { key: 'contact', label: 'How to reach them', value: 'text only, 07911 200411' },
      { key: 'address', label: 'Address or place', value: '12 Elm Road' },
      { key: 'safeContact', label: 'How to contact them safely', value: 'text only, 07911 200411' },
    ];
    const lines = summaryLines(view({ facts }));
    expect(lines).toContain('How to reach them / How to contact them safely: text only, 07911 200411');
    expect(lines).toContain('Address or place: 12 Elm Road');
    expect(lines.filter((l) => l.includes('07911 200411'))).toHaveLength(1);
  });
  it('offers Accept until accepted, and no actions at all once closed or redirected', () => {
    expect(text(handoffBlocks(view(), []))).toContain('handoff.accept');
    const accepted = text(handoffBlocks(view({ status: 'accepted', acceptedBy: 'Sam Patel (Slack)' }), []));
    expect(accepted).not.toContain('handoff.accept');
    expect(accepted).toContain('Accepted by Sam Patel (Slack)');
    expect(accepted).toContain('handoff.reply');
    for (const status of ['closed', 'redirected'] as const)
      expect(text(handoffBlocks(view({ status }), [{ id: 's2', name: 'Advice Centre' }]))).not.toMatch(/handoff\.(accept|reply|redirect|close)/);
  });
});

describe('what a service is told of the follow-up', () => {
  const answered = (followUpId: string, wellbeing: number | null, helped: boolean | null) => ({
    followUpId,
    askedAt: new Date('2026-12-01T10:00:00Z'),
    answeredAt: new Date('2026-12-01T11:00:00Z'),
    wellbeing,
    helped,
  });

  it('says how things are and whether this service helped, in plain words, for the follow-up it is about', () => {
    // Newest first, as the view lists them: the delivery about the earlier one still says what was said then.
    const feedback = [answered('f2', 2, false), answered('f1', 4, true)];
    expect(feedbackLines(view({ feedback }), 'f1')).toEqual([
      'Follow-up on hand-off HX7K2M9Q: the customer was asked how things are now.',
      'Compared with when they first got in touch, things are better (4 of 5).',
      'Did Housing Options help? Yes.',
    ]);
    expect(feedbackLines(view({ feedback }), 'f2').slice(1)).toEqual([
      'Compared with when they first got in touch, things are worse (2 of 5).',
      'Did Housing Options help? No.',
    ]);
    expect(feedbackLines(view({ feedback: [answered('f3', null, null)] }), 'f3').slice(1)).toEqual([
      'They did not say how things are now.',
      'They did not say whether Housing Options helped.',
    ]);
  });

  it('never passes on another follow-up’s answers as this one’s', () => {
    expect(() => feedbackLines(view({ feedback: [answered('f2', 5, true)] }), 'f1')).toThrow(/no answered follow-up f1/);
  });
});
