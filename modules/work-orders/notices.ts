/**
 * Call-centre notices (ihbar): a caller reports a gas smell, a leak, a damaged meter... by meter serial or by address.
 * Each notice opens one work order at once (routed like any other) in the same transaction. The reporter's phone is
 * personal data: kept in E.164 for a call back, answered masked, never written to a log.
 */
import { z } from 'zod';
import type pg from 'pg';
import { maskPhone } from '../../platform/pii.ts';
import { actorName, assertScope } from '../access/index.ts';
import type { CallContext } from './doer.ts';
import { changeTransaction } from './events.ts';
import { FreeText, insertOrder, Region, Serial } from './orders.ts';
import type { OrderType, Priority, WorkOrder } from './order-view.ts';
import { normalisePhone } from '../../platform/phone.ts';

/** Notice kind → the order it opens and how urgent it is. A gas smell is an emergency. */
export const NOTICE_KINDS = {
  gas_smell: { type: 'leak', priority: 'critical' },
  water_leak: { type: 'leak', priority: 'high' },
  meter_damaged: { type: 'inspection', priority: 'high' },
  tamper_suspected: { type: 'tamper', priority: 'normal' },
  no_supply: { type: 'inspection', priority: 'high' },
  meter_fault: { type: 'inspection', priority: 'normal' },
  reading_dispute: { type: 'inspection', priority: 'low' },
  reconnection_request: { type: 'reconnection', priority: 'normal' },
} as const satisfies Record<string, { type: OrderType; priority: Priority }>;

export const NoticeSchema = z
  .object({
    kind: z.enum(Object.keys(NOTICE_KINDS) as [keyof typeof NOTICE_KINDS]),
    meterSerial: Serial.optional(),
    address: FreeText(500).optional(),
    region: Region.optional(),
    reporter: z.object({
      name: FreeText(200).optional(),
      phone: z.string().max(40).transform((p, ctx) => normalisePhone(p) ?? (ctx.addIssue({ code: 'custom', message: 'not a phone number (Turkish, or +<country code><number>)' }), z.NEVER)),
    }),
    description: FreeText(2000).optional(),
  })
  .refine((n) => n.meterSerial || n.address, { message: 'a notice needs a meter serial or an address' });
export type NoticeInput = z.output<typeof NoticeSchema>;

export interface Notice {
  id: number;
  kind: string;
  meterSerial: string | null;
  address: string | null;
  region: string | null;
  reporterName: string | null;
  /** Masked: +90532*****67. */
  reporterPhone: string;
  createdAt: Date;
  workOrder: WorkOrder;
}

export async function createNotice(pool: pg.Pool, input: NoticeInput, ctx: CallContext): Promise<Notice> {
  if (input.region) assertScope(ctx.actor, 'notices.create', { region: input.region });
  const opens = NOTICE_KINDS[input.kind];
  return changeTransaction(pool, async (c, changes) => {
    const { rows: ids } = await c.query<{ id: number }>("SELECT nextval(pg_get_serial_sequence('notice', 'id')) AS id");
    const id = ids[0].id;
    const order = (await insertOrder(
      c,
      { type: opens.type, priority: opens.priority, source: 'notice', sourceRef: String(id), meterSerial: input.meterSerial, address: input.address, region: input.region, description: [`notice ${input.kind}`, input.description].filter(Boolean).join(': '), route: true },
      ctx.actor,
      changes,
    ))!;
    const { rows } = await c.query(
      `INSERT INTO notice (id, kind, meter_serial, address, region, reporter_name, reporter_phone, description, work_order_id, actor)
       OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       RETURNING id, kind, meter_serial AS "meterSerial", address, region, reporter_name AS "reporterName", reporter_phone AS "reporterPhone", created_at AS "createdAt"`,
      [id, input.kind, input.meterSerial ?? null, input.address ?? null, input.region ?? null, input.reporter.name ?? null, input.reporter.phone, input.description ?? null, order.id, actorName(ctx.actor)],
    );
    return { ...rows[0], reporterPhone: maskPhone(rows[0].reporterPhone), workOrder: order };
  });
}
