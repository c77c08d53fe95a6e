// Thousands of conversations written into PostgreSQL in one statement per table (INSERT ... SELECT
// generate_series), for the list's tests at a busy council's scale: seeding 10,000 through Prisma one by one
// would take minutes. Ids are derived from the row's number (its md5, shaped as a version-4 UUID), so a test can name any row.
import type { Db } from '../../hub/db/client.ts';

export interface BulkOptions {
  /** How many open conversations: number 1 wrote last (a minute ago), number `open` first. */
  open: number;
  /** Distinguishes this seed's rows (ids, names, numbers) from another's in the same database. */
  label: string;
  /** These (by number) are assigned to this agent. */
  assignedTo?: { agentId: string; numbers: number[] };
  /** These (by number) wait for a person. */
  waiting?: number[];
  /** These (by number) are urgent. */
  urgent?: number[];
}

/** The name of the seeded customer number `i` ("Resident 00042"). */
export const residentName = (i: number) => `Resident ${String(i).padStart(5, '0')}`;
/** The mobile number of seeded customer number `i`. */
export const residentPhone = (i: number) => `+4477${String(100_000_000 + i).slice(1)}`;

const array = (numbers: number[] | undefined) => `ARRAY[${(numbers ?? []).map(Number).join(',')}]::int[]`;

/** A version-4-shaped UUID from the md5 of an SQL text expression (the API checks ids are UUIDs). */
const uuidOf = (text: string) => `(SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18))::uuid FROM md5(${text}) AS h)`;

export async function seedOpenConversations(db: Db, options: BulkOptions): Promise<void> {
  const { open, label } = options;
  const id = (table: string) => uuidOf(`'${label}-${table}-' || i`);
  const rows = `FROM generate_series(1, ${Number(open)}) AS i`;
  const at = `now() - make_interval(mins => i)`;
  await db.$executeRawUnsafe(
    `INSERT INTO "Customer" (id, "displayName", "updatedAt") SELECT ${id('customer')}, 'Resident ' || lpad(i::text, 5, '0'), now() ${rows}`,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "ContactPoint" (id, "customerId", kind, address, "verifiedBy") SELECT ${id('point')}, ${id('customer')}, 'phone', '+4477' || substr((100000000 + i)::text, 2), 'test' ${rows}`,
  );
  const assigned = options.assignedTo ? `CASE WHEN i = ANY(${array(options.assignedTo.numbers)}) THEN '${options.assignedTo.agentId}'::uuid END` : 'NULL';
  await db.$executeRawUnsafe(
    `INSERT INTO "Conversation" (id, "customerId", "openForCustomer", channel, handler, "lastMessageAt", "createdAt", "updatedAt", "assignedAgentId", "waitingSince", "urgentAt")
     SELECT ${id('conversation')}, ${id('customer')}, ${id('customer')}, 'sms', 'person', ${at}, ${at}, now(), ${assigned},
            CASE WHEN i = ANY(${array(options.waiting)}) THEN ${at} END, CASE WHEN i = ANY(${array(options.urgent)}) THEN ${at} END ${rows}`,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Message" (id, "conversationId", direction, channel, status, "fromAddress", "toAddress", body, "createdAt", "updatedAt")
     SELECT ${id('message')}, ${id('conversation')}, 'inbound', 'sms', 'received', '+4477' || substr((100000000 + i)::text, 2), '+441234567890',
            'Question number ' || i || ' about my bins', ${at}, ${at} ${rows}`,
  );
  await db.$executeRawUnsafe('ANALYZE');
}

/** The id of seeded conversation number `i`. */
export async function conversationId(db: Db, label: string, i: number): Promise<string> {
  const [row] = await db.$queryRawUnsafe<{ id: string }[]>(`SELECT ${uuidOf(`'${label}-conversation-' || $1::int`)}::text AS id`, i);
  return row!.id;
}
