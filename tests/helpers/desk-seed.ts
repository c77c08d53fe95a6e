// A desk with a morning's work in it, written straight into the database: named texters, web-chat visitors
// (known only by their visitor id), an email, an urgent text the bot answered with emergency numbers, some
// conversations assigned to the admin and some waiting, and one long conversation (customer, bot, agent,
// colleague's note) to open. Used by the three-pane layout test and for screenshots of it.
import { randomUUID } from 'node:crypto';
import type { RunningHub } from '../../app/compose.ts';
import { ADMIN } from '../../testkit/hub-client.ts';

export interface SeededDesk {
  adminId: string;
  /** The long conversation, and its customer's name. */
  long: { id: string; name: string };
  /** The urgent text: what the customer wrote, and what the bot answered after it. */
  urgent: { id: string; said: string; botSaid: string; from: string };
  /** A web-chat visitor with no name: their visitor id (a UUID) and conversation. */
  visitor: { id: string; visitorId: string; said: string };
  counts: { mine: number; waiting: number; all: number };
}

const HUB = '+441234567890';
const NAMES = ['Priya Shah', 'Tom Okafor', 'Maria Silva', 'Sam Jones', 'Aisha Khan', 'Ben Carter', 'Chen Wei', 'Dafydd Rees', 'Ella Brown', 'Femi Adeyemi'];
const WORDS = [
  'My bin was missed again this week, the whole street was done except us.',
  'Can I get a parking permit for my carer? She visits every morning.',
  'The streetlight outside number 14 has been out for a fortnight.',
  'I need help paying my council tax this month, I lost my job.',
  'Is the tip open on Sunday?',
  'There is damp coming through the bedroom wall and the baby has a cough.',
];

export async function seedDesk(hub: RunningHub, extra = 30): Promise<SeededDesk> {
  const db = hub.database.prisma;
  const admin = await db.agent.findUniqueOrThrow({ where: { email: ADMIN.email }, select: { id: true } });
  const team = await db.team.create({ data: { name: `Housing ${randomUUID().slice(0, 4)}` } });
  const now = Date.now();
  const ago = (minutes: number) => new Date(now - minutes * 60_000);

  const conversation = async (options: {
    name?: string | null;
    kind: 'phone' | 'email' | 'webchat_visitor';
    address: string;
    channel: 'sms' | 'email' | 'webchat';
    at: Date;
    assigned?: boolean;
    waiting?: boolean;
    urgent?: boolean;
    handler?: 'bot' | 'person';
  }) => {
    const customer = await db.customer.create({
      data: { displayName: options.name ?? null, contactPoints: { create: { kind: options.kind, address: options.address, verifiedBy: 'test' } } },
    });
    return db.conversation.create({
      data: {
        customerId: customer.id,
        openForCustomer: customer.id,
        channel: options.channel,
        handler: options.handler ?? 'person',
        lastMessageAt: options.at,
        createdAt: options.at,
        assignedAgentId: options.assigned ? admin.id : null,
        waitingSince: options.waiting ? options.at : null,
        teamId: options.waiting ? team.id : null,
        urgentAt: options.urgent ? options.at : null,
      },
    });
  };
  const message = (
    conversationId: string,
    channel: 'sms' | 'email' | 'webchat',
    from: string,
    body: string,
    at: Date,
    outbound?: { fromBot?: boolean; agentId?: string; replyToId?: string },
  ) =>
    db.message.create({
      data: {
        conversationId,
        direction: outbound ? 'outbound' : 'inbound',
        channel,
        status: outbound ? 'delivered' : 'received',
        fromAddress: outbound ? HUB : from,
        toAddress: outbound ? from : HUB,
        body,
        fromBot: outbound?.fromBot ?? false,
        agentId: outbound?.agentId ?? null,
        // The bot's replies answer a customer's message (an automatic notice answers none).
        replyToId: outbound?.replyToId ?? null,
        createdAt: at,
      },
    });

  // Many ordinary ones, older, so the list is longer than the pane.
  let mine = 0;
  let waiting = 0;
  for (let i = 0; i < extra; i++) {
    const from = `+4477009${String(10000 + i).slice(1)}`;
    const assigned = i % 9 === 2;
    const waits = !assigned && i % 7 === 3;
    mine += Number(assigned);
    waiting += Number(waits);
    const c = await conversation({
      name: i % 4 === 1 ? null : NAMES[i % NAMES.length]!,
      kind: 'phone',
      address: from,
      channel: 'sms',
      at: ago(30 + i * 17),
      assigned,
      waiting: waits,
    });
    await message(c.id, 'sms', from, WORDS[i % WORDS.length]!, ago(30 + i * 17));
  }

  // A web-chat visitor: no name, only the visitor id.
  const visitorId = randomUUID();
  const visitorSaid = 'Hello, how do I report a pothole on the high street?';
  const visitor = await conversation({ kind: 'webchat_visitor', address: visitorId, channel: 'webchat', at: ago(4), waiting: true });
  waiting += 1;
  await message(visitor.id, 'webchat', visitorId, visitorSaid, ago(4));

  // An email.
  const email = await conversation({ name: 'Gwen Morgan', kind: 'email', address: 'gwen.morgan@example.org', channel: 'email', at: ago(12) });
  await message(email.id, 'email', 'gwen.morgan@example.org', 'Please find attached my application for a blue badge renewal.', ago(12));

  // An urgent text: the customer's words, then the bot's emergency answer, which is newer.
  const urgentFrom = '+447700900111';
  const said = 'he is outside the door now and says he will hurt me';
  const botSaid = 'If you are in danger now, call 999 and ask for the police. If you cannot speak, call 999, stay on the line and press 55.';
  const urgent = await conversation({ name: null, kind: 'phone', address: urgentFrom, channel: 'sms', at: ago(2), waiting: true, urgent: true });
  waiting += 1;
  const asked = await message(urgent.id, 'sms', urgentFrom, said, ago(2.5));
  await message(urgent.id, 'sms', urgentFrom, botSaid, ago(2), { fromBot: true, replyToId: asked.id });

  // The long one, mine: customer, bot, me, a colleague's note, back and forth.
  const longFrom = '+447700900222';
  const long = await conversation({ name: 'Rosa Martinez', kind: 'phone', address: longFrom, channel: 'sms', at: ago(1), assigned: true });
  mine += 1;
  const lines: [string, { fromBot?: boolean; agentId?: string } | undefined][] = [
    ['Hi, my landlord says we have to leave by Friday.', undefined],
    ['I am sorry to hear that. Are you somewhere safe tonight? Reply YES or NO.', { fromBot: true }],
    ['yes we are at home for now', undefined],
    ['Thank you. I will pass you to a person who can help with housing.', { fromBot: true }],
    ['Hello Rosa, this is the housing team. Did your landlord give you anything in writing?', { agentId: admin.id }],
    ['Yes a letter, it says section 21', undefined],
    ['Thank you. A section 21 notice does not mean you must leave on that date. Can you send a photo of the letter?', { agentId: admin.id }],
    ['ok I will do it tonight', undefined],
  ];
  for (let round = 0; round < 3; round++) {
    let last: string | undefined;
    for (const [i, [body, out]] of lines.entries()) {
      const made = await message(long.id, 'sms', longFrom, body, ago(120 - round * 40 - i * 4), out?.fromBot ? { ...out, replyToId: last } : out);
      if (!out) last = made.id;
    }
  }
  await db.note.create({
    data: { conversationId: long.id, agentId: admin.id, body: 'Has two children at the local primary. Prefers texts after 6pm.', createdAt: ago(30) },
  });
  await message(long.id, 'sms', longFrom, 'Also the boiler is broken again, is that something you can help with?', ago(1));

  const all = extra + 4;
  return {
    adminId: admin.id,
    long: { id: long.id, name: 'Rosa Martinez' },
    urgent: { id: urgent.id, said, botSaid, from: urgentFrom },
    visitor: { id: visitor.id, visitorId, said: visitorSaid },
    counts: { mine, waiting, all },
  };
}
