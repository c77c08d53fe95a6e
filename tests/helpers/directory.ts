// A service directory for tests: one council's services in the Open Referral UK JSON shape with our
// extension (where hand-offs go), written to a file for DIRECTORY_PATH.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestService {
  id: string;
  name: string;
  /** Need codes from the taxonomy this service owns. */
  needs: string[];
  /** x_contact_hub.handoff: { kind: 'desk' }, { kind: 'slack', channel }, { kind: 'email', address }, { kind: 'webhook', url, secret }. */
  handoff: Record<string, unknown>;
  slaMinutes?: number;
}

export function directoryDocument(services: readonly TestService[]) {
  return {
    organizations: [
      {
        id: 'org-council',
        name: 'Testford Council',
        services: services.map((s) => ({
          id: s.id,
          name: s.name,
          status: 'active',
          service_taxonomys: s.needs.map((id) => ({ taxonomy: { id, name: id, vocabulary: 'contact-hub-needs' } })),
          x_contact_hub: { handoff: s.handoff, ...(s.slaMinutes ? { sla_minutes: s.slaMinutes } : {}) },
        })),
      },
    ],
  };
}

/** Writes the directory to a new temporary file and returns its path. */
export async function writeDirectory(services: readonly TestService[]): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'directory-')), 'directory.json');
  await writeFile(file, JSON.stringify(directoryDocument(services)));
  return file;
}
