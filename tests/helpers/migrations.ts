// The migrations a database should have, read from prisma/migrations independently of hub/db/migrations.ts.
import { readdir } from 'node:fs/promises';
import { MIGRATIONS_DIR } from '../../hub/db/migrations.ts';

/** Every migration folder's name, sorted, as the Prisma CLI orders them. */
export async function migrationNames(dir = MIGRATIONS_DIR): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
