// Server state the desk simply reads (names, taxonomy, canned responses, teams, the agent directory, the tabs'
// counts, the supervisor's overview, my phone), kept by TanStack Query: one cache for the signed-in agent, read
// once and then refreshed when the socket says something changed (invalidated, or set from the event itself).
// The paged list, the open conversation and routing keep their own state: they merge live events row by row.
import { QueryClient, queryOptions } from '@tanstack/react-query';
import { Answers, api, readView, type CannedResponse, type DirectoryAgent, type TaxonomyNeed, type TeamRef } from './api.ts';
import type { TeamRow } from './AdminCommon.tsx';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Read when first wanted and again when the desk says so (a socket event, a resync): never on a timer
      // or on window focus of their own, which every agent's desk would multiply.
      staleTime: Number.POSITIVE_INFINITY,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      retry: false,
    },
  },
});

export const queries = {
  /** The desk's and the council's names (HUB_NAME, COUNCIL_NAME), shown before sign-in too. */
  site: queryOptions({ queryKey: ['site'], queryFn: () => readView('/api/site', Answers.site) }),
  taxonomy: queryOptions({ queryKey: ['taxonomy'], queryFn: async () => (await api<{ needs: TaxonomyNeed[] }>('/api/needs/taxonomy')).needs }),
  canned: queryOptions({
    queryKey: ['canned'],
    queryFn: async () => (await api<{ cannedResponses: CannedResponse[] }>('/api/canned-responses')).cannedResponses,
  }),
  teams: queryOptions({ queryKey: ['teams'], queryFn: async () => (await api<{ teams: TeamRef[] }>('/api/teams')).teams }),
  directory: queryOptions({ queryKey: ['directory'], queryFn: async () => (await api<{ agents: DirectoryAgent[] }>('/api/agents/directory')).agents }),
  /** How many open conversations each tab holds. */
  counts: queryOptions({ queryKey: ['counts'], queryFn: async () => (await readView('/api/conversations/counts', Answers.counts)).counts }),
  overview: queryOptions({ queryKey: ['overview'], queryFn: () => readView('/api/supervisor/overview', Answers.overview) }),
  // The admin screens' lists: under the desk's keys, so a change saved there refreshes what the desk shows too
  // (invalidating ['teams'] reads both), and read again each time a screen opens (another admin may have changed them).
  adminTeams: queryOptions({
    queryKey: ['teams', 'admin'],
    queryFn: async () => (await api<{ teams: TeamRow[] }>('/api/teams')).teams,
    refetchOnMount: 'always',
  }),
  adminCanned: queryOptions({
    queryKey: ['canned', 'all'],
    queryFn: () => api<{ cannedResponses: CannedResponse[]; placeholders: Record<string, string> }>('/api/canned-responses?scope=all'),
    refetchOnMount: 'always',
  }),
  /** Where my calls are put through to ('' for none set). */
  voice: queryOptions({ queryKey: ['voice'], queryFn: async () => (await api<{ phone: string | null }>('/api/agents/me/voice')).phone ?? '' }),
};
