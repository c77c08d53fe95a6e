// `npm run needs -- "<text>"`, as someone checking the detector by hand runs it: what it prints, and how it
// says it was used wrongly. It reads the weights the install keeps (scripts/prepare.ts), as the hub does.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

async function needs(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = run(process.execPath, ['--import', 'tsx', 'hub/needs/cli.ts', ...args], { cwd: ROOT, timeout: 120_000 });
  if (input !== undefined) child.child.stdin!.end(input);
  else child.child.stdin!.end();
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run needs', () => {
  it('prints the needs with labels and confidences, the urgent flag, and the safety question when the bot would ask it', async () => {
    const bin = await needs(['my bin was not collected this week']);
    expect(bin.code).toBe(0);
    const binView = JSON.parse(bin.stdout);
    expect(binView).toEqual({ needs: [{ code: 'environment.waste', label: expect.any(String), confidence: expect.any(Number) }], urgent: false });

    const knife = JSON.parse((await needs(["he's outside the door now and he's got a knife"])).stdout);
    expect(knife).toMatchObject({ urgent: true, danger: ['violence'] });
    expect(knife.safetyQuestion).toBeUndefined();

    const outside = JSON.parse((await needs(["my ex has found out where we're staying and his car is parked outside"])).stdout);
    expect(outside).toMatchObject({ urgent: false, safetyQuestion: true });
  });

  it('reads the text from standard input, and says how to use it when there is none', async () => {
    const piped = await needs([], 'Dear Sir,\n\nMy bin was not collected this week.\n\nKind regards,\nSam');
    expect(JSON.parse(piped.stdout).needs.map((n: { code: string }) => n.code)).toEqual(['environment.waste']);
    const empty = await needs([], '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^usage: npm run needs -- "<text>"/);
  });
});
