// The evidence view's API (managers and strategy): each table as JSON, or as CSV to download, over a date range
// and optionally one postcode district. Read-only, and nothing personal: counts below five are held back.
import express from 'express';
import { z } from 'zod';
import type { Db } from '../../hub/db/client.ts';
import { EVIDENCE_TABLES, EVIDENCE_TITLES, SMALLEST_SHOWN, evidenceTable, tableCsv, type EvidenceWords } from '../../hub/evidence/queries.ts';
import { EvidenceIndexView, EvidenceTableView } from '../shared/views.ts';
import { invalid } from './http.ts';

const DAY = 86_400_000;
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

/** The query as written (documented in the OpenAPI document); EvidenceQuery reads it into dates. */
export const EvidenceQuerySchema = z.object({
  from: z.iso.date('from must be a date, like 2026-01-31').optional(),
  to: z.iso.date('to must be a date, like 2026-12-31').optional(),
  district: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^([A-Z]{1,2}[0-9][0-9A-Z]?|UNKNOWN)$/, 'district must be the first half of a postcode, like SW1A')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  format: z.enum(['json', 'csv']).default('json'),
});
/** Today, and the day after the same day last year: twelve months, both days included. */
function defaultRange(): { from: Date; to: Date } {
  const to = new Date(Date.now() - (Date.now() % DAY));
  return { from: new Date(Date.UTC(to.getUTCFullYear() - 1, to.getUTCMonth(), to.getUTCDate() + 1)), to };
}

export const EvidenceQuery = EvidenceQuerySchema.transform((q) => {
  const to = q.to ? new Date(`${q.to}T00:00:00Z`) : defaultRange().to;
  const from = q.from ? new Date(`${q.from}T00:00:00Z`) : new Date(Date.UTC(to.getUTCFullYear() - 1, to.getUTCMonth(), to.getUTCDate() + 1));
  return { from, to, district: q.district === 'UNKNOWN' ? 'Unknown' : (q.district ?? null), format: q.format };
})
  .refine((q) => q.from <= q.to, { message: 'from must be on or before to', path: ['from'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= 5 * 366 * DAY, { message: 'a range is at most five years', path: ['from'] });
export const EvidenceTableParam = z.object({ table: z.enum(EVIDENCE_TABLES, 'no such table') });

export function evidenceRouter(deps: { db: Db; words: EvidenceWords }) {
  const router = express.Router();

  router.get('/api/evidence', async (_req, res) => {
    const { from, to } = defaultRange();
    // Districts where enough needs were found to be shown on their own (fewer could point at someone).
    const districts = await deps.db.$queryRaw<{ district: string }[]>`
      SELECT split_part(cu.postcode, ' ', 1) AS district FROM "Need" n JOIN "Customer" cu ON cu.id = n."customerId"
      WHERE cu.postcode IS NOT NULL GROUP BY 1 HAVING count(*) >= ${SMALLEST_SHOWN} ORDER BY 1`;
    const tables = EVIDENCE_TABLES.map((name) => ({ name, title: EVIDENCE_TITLES[name] }));
    res.json(
      EvidenceIndexView.parse({
        tables,
        districts: districts.map((d) => d.district),
        range: { from: isoDay(from), to: isoDay(to) },
        smallestShown: SMALLEST_SHOWN,
      }),
    );
  });

  router.get('/api/evidence/:table', async (req, res) => {
    const params = EvidenceTableParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const query = EvidenceQuery.safeParse(req.query);
    if (!query.success) return invalid(res, query.error);
    const { from, to, district, format } = query.data;
    // "to" is the last day included.
    const table = await evidenceTable(deps.db, params.data.table, { from, to: new Date(to.getTime() + DAY), district }, deps.words);
    const view = EvidenceTableView.parse({ ...table, filter: { from: isoDay(from), to: isoDay(to), district } });
    if (format === 'csv') {
      const file = `${table.name}_${isoDay(from)}_${isoDay(to)}${district ? `_${district}` : ''}.csv`;
      res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${file}"` });
      return void res.send(tableCsv(table));
    }
    res.json(view);
  });
  return router;
}
