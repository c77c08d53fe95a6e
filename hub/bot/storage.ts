// Bot Framework state in the hub's database, so a conversation survives a restart and can move between
// workers. Writes carry an etag: a writer holding stale state fails instead of overwriting newer state.
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem } from '@microsoft/agents-hosting';
import type { Prisma } from '../generated/prisma/client.ts';

type Client = Pick<Prisma.TransactionClient, 'botState'>;

/** Bot state is keyed by the hub conversation, whatever channel each message came on. */
export const BOT_CHANNEL_ID = 'contact-hub';

/** The namespace the needs conversation's state is kept under. */
export const BOT_STATE_NAMESPACE = 'needs';

/** The key ConversationState stores a hub conversation's state under (its own format; erasure deletes it). */
export const botStateKey = (conversationId: string) => `${BOT_CHANNEL_ID}/conversations/${conversationId}/${BOT_STATE_NAMESPACE}`;

export class StaleBotStateError extends Error {
  constructor(key: string) {
    super(`bot state "${key}" was changed by another turn`);
  }
}

export class DatabaseStorage implements Storage {
  /**
   * @param known State already read in this transaction, under the conversation's lock (undefined: none stored),
   * answered by the first read that asks only for it: one query fewer per turn.
   */
  constructor(
    private readonly db: Client,
    private known?: ReadonlyMap<string, StoreItem | undefined>,
  ) {}

  async read(keys: string[]): Promise<StoreItem> {
    const known = this.known;
    this.known = undefined;
    if (known && keys.every((key) => known.has(key))) return Object.fromEntries(keys.flatMap((key) => (known.get(key) ? [[key, known.get(key)]] : [])));
    const rows = await this.db.botState.findMany({ where: { key: { in: keys } } });
    return Object.fromEntries(rows.map((r) => [r.key, { ...(r.data as object), eTag: r.etag }]));
  }

  async write(changes: StoreItem): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...data } = item as StoreItem;
      const etag = randomUUID();
      const json = data as Prisma.InputJsonObject;
      if (!eTag || eTag === '*') {
        await this.db.botState.upsert({ where: { key }, create: { key, data: json, etag }, update: { data: json, etag } });
        continue;
      }
      const { count } = await this.db.botState.updateMany({ where: { key, etag: eTag }, data: { data: json, etag } });
      if (!count) throw new StaleBotStateError(key);
    }
  }

  async delete(keys: string[]): Promise<void> {
    await this.db.botState.deleteMany({ where: { key: { in: keys } } });
  }
}
