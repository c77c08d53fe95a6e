// The desk pushes events about one conversation in the order the hub published them, though each is read
// from the database first and a later one can be quicker to read.
import { describe, expect, it } from 'vitest';
import { orderedByKey } from '../../agent-desk/server/ordered.ts';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('orderedByKey', () => {
  it('finishes tasks with one key in the order given, however long each takes, and lets other keys overtake', async () => {
    const inOrder = orderedByKey();
    const done: string[] = [];
    const runs = [
      inOrder('conversation-1', async () => {
        await later(30);
        done.push('first reply');
      }),
      inOrder('conversation-1', async () => void done.push('second reply')),
      inOrder('conversation-2', async () => void done.push('another conversation')),
    ];
    await Promise.all(runs);
    expect(done).toEqual(['another conversation', 'first reply', 'second reply']);
  });

  it('goes on after a task that fails', async () => {
    const inOrder = orderedByKey();
    const done: string[] = [];
    await Promise.all([inOrder('c', () => Promise.reject(new Error('lost'))), inOrder('c', async () => void done.push('next'))]);
    expect(done).toEqual(['next']);
  });
});
