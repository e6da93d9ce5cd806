/** HTTP routes of the month's gas factors: reading needs `billing.read`, setting `tariffs.manage` (audited). */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { actorOf, audit } from '../access/index.ts';
import { listGasFactors, setGasFactor } from './gas-factors.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;
const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');

export function gasFactorRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;
  app.get(
    '/api/v1/gas-factors',
    { config: { permission: 'billing.read' }, schema: { summary: 'Gas correction factors K and calorific values per month and province', querystring: z.object({ period: Period.optional() }) } },
    async (req) => ({ items: await listGasFactors(pool, req.query.period) }),
  );
  app.put(
    '/api/v1/gas-factors/:period',
    {
      config: { permission: 'tariffs.manage' },
      schema: {
        summary: 'Set a month\'s gas factors for a province (or * for all), until a bill run of the month exists',
        params: z.object({ period: Period }),
        body: z.object({ ilKey: z.string().default('*'), correctionFactor: z.string(), calorificValue: z.string() }),
      },
    },
    async (req) => {
      const factor = await setGasFactor(pool, { period: req.params.period, ...req.body });
      await audit(pool, actorOf(req), { action: 'billing.gas_factor.set', entity: 'gas_factor', entityId: `${factor.period}/${factor.ilKey}`, detail: { ...factor }, correlationId: req.id, ip: req.ip });
      return factor;
    },
  );
}
