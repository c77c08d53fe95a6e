// The inbound journal: where a contact goes when the database cannot take it, so the provider still gets
// its 2xx only once the contact is stored. Twilio does not retry an SMS webhook that fails, and a web-chat
// widget would resend for ever, so "try again later" loses people's messages during a database outage.
//
// One file per contact in DATA_DIR, written to a temporary name, fsync'd, renamed and the folder fsync'd:
// once accept() returns, the contact survives a crash or power cut. A replayer moves each file into the
// inbox when the database is back and deletes it after; the inbox is unique on (channel, provider id), so a
// file replayed twice (a crash between the insert and the delete, or a provider's retry journaled too)
// is stored once. The journal is bounded: past its size it refuses, and the adapter answers 503.
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InboundContact, type InboundFile } from '../../channels/contract.ts';

const Entry = z.object({
  version: z.literal(1),
  contact: InboundContact,
  files: z.array(z.object({ filename: z.string(), contentType: z.string(), content: z.base64() })).default([]),
  payload: z.base64().nullable().default(null),
  journaledAt: z.iso.datetime(),
});

export interface JournalEntry {
  name: string;
  contact: InboundContact;
  extras: { files?: InboundFile[]; payload?: Uint8Array };
}

export class JournalFullError extends Error {
  constructor(limitBytes: number) {
    super(`the inbound journal is full (${Math.round(limitBytes / 1024 / 1024)} MB)`);
  }
}

async function fsyncDir(dir: string) {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class InboundJournal {
  private bytes = 0;
  private ready: Promise<void> | undefined;
  /** Entries that could not be stored although the database answered, moved aside for a person to look at. */
  readonly failedDir: string;

  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
  ) {
    this.failedDir = path.join(dir, 'failed');
  }

  /** Creates the folder and counts what is already waiting (left by an earlier run). */
  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.failedDir, { recursive: true });
      for (const name of await this.names()) this.bytes += (await stat(path.join(this.dir, name)).catch(() => ({ size: 0 }))).size;
    })();
    return this.ready;
  }

  private async names(): Promise<string[]> {
    return (await readdir(this.dir)).filter((n) => n.endsWith('.json')).sort();
  }

  /** Durably writes one contact; resolves only when it is on disk. */
  async append(contact: InboundContact, extras: { files?: InboundFile[]; payload?: Uint8Array } = {}): Promise<void> {
    await this.init();
    const body = JSON.stringify({
      version: 1,
      contact,
      files: (extras.files ?? []).map((f) => ({ filename: f.filename, contentType: f.contentType, content: Buffer.from(f.content).toString('base64') })),
      payload: extras.payload ? Buffer.from(extras.payload).toString('base64') : null,
      journaledAt: new Date().toISOString(),
    });
    const size = Buffer.byteLength(body);
    if (this.bytes + size > this.maxBytes) throw new JournalFullError(this.maxBytes);
    this.bytes += size;
    // Sorted by name is oldest first: replayed in the order the contacts came.
    const name = `${Date.now().toString().padStart(15, '0')}-${randomUUID()}.json`;
    const temporary = path.join(this.dir, `.${name}.tmp`);
    try {
      const handle = await open(temporary, 'wx');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path.join(this.dir, name));
      await fsyncDir(this.dir);
    } catch (error) {
      this.bytes -= size;
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** How many contacts are waiting to be stored. */
  async pending(): Promise<number> {
    await this.init();
    return (await this.names()).length;
  }

  /** The waiting entries, oldest first; one that cannot be read is moved aside and reported through onBad. */
  async *entries(onBad: (name: string, error: Error) => void): AsyncGenerator<JournalEntry> {
    await this.init();
    for (const name of await this.names()) {
      let text: string;
      try {
        text = await readFile(path.join(this.dir, name), 'utf8');
      } catch {
        continue; // replayed and removed meanwhile (another replay round)
      }
      const parsed = Entry.safeParse(
        (() => {
          try {
            return JSON.parse(text);
          } catch {
            return undefined;
          }
        })(),
      );
      if (!parsed.success) {
        onBad(name, new Error(parsed.error?.message ?? 'not JSON'));
        await this.setAside(name);
        continue;
      }
      const { contact, files, payload } = parsed.data;
      yield {
        name,
        contact,
        extras: {
          files: files.map((f) => ({ filename: f.filename, contentType: f.contentType, content: new Uint8Array(Buffer.from(f.content, 'base64')) })),
          ...(payload ? { payload: new Uint8Array(Buffer.from(payload, 'base64')) } : {}),
        },
      };
    }
  }

  /** The entry is stored: it leaves the journal. */
  async remove(name: string): Promise<void> {
    const file = path.join(this.dir, name);
    const size = (await stat(file).catch(() => ({ size: 0 }))).size;
    await rm(file, { force: true });
    this.bytes = Math.max(0, this.bytes - size);
  }

  /** The entry can never be stored as it is: kept for a person, out of the replay. */
  async setAside(name: string): Promise<void> {
    const file = path.join(this.dir, name);
    const size = (await stat(file).catch(() => ({ size: 0 }))).size;
    await rename(file, path.join(this.failedDir, name)).catch(() => undefined);
    this.bytes = Math.max(0, this.bytes - size);
  }
}
