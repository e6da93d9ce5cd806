/**
 * A party's contracts as the subscriber 360 screen shows them: each with its installation's address and point, the
 * meter fitted now and the current account (ledger) that bills it. One query; the address, meter and account rows
 * belong to the registry, the head-end and the ledger and are only read here. Newest contract first, capped: a party
 * with more than `limit` contracts (a housing cooperative) is paged with `offset`.
 */
import type pg from 'pg';
import { toLonLat } from '../registry/index.ts';

export interface PartySubscription {
  id: number;
  class: string;
  status: string;
  commodity: string;
  startedAt: Date;
  endedAt: Date | null;
  installationId: number;
  address: { id: number; il: string; ilce: string; mahalle: string; street: string; buildingNo: string; doorNo: string | null; coordinates: [number, number] };
  meter: { serial: string; status: string } | null;
  accountId: number | null;
}

export async function partySubscriptions(db: pg.Pool, partyId: number, page: { offset: number; limit: number }): Promise<{ total: number; items: PartySubscription[] }> {
  const { rows } = await db.query(
    `SELECT count(*) OVER ()::int AS total, s.id, s.class, s.status, s.commodity, s.started_at, s.ended_at, s.installation_id,
            a.id AS address_id, a.il, a.ilce, a.mahalle, a.street, a.building_no, a.door_no, a.location,
            m.serial, m.status AS meter_status, la.id AS account_id
       FROM subscription s
       JOIN installation i ON i.id = s.installation_id JOIN premise p ON p.id = i.premise_id JOIN address a ON a.id = p.address_id
       LEFT JOIN meter_fitting f ON f.installation_id = s.installation_id AND f.removed_at IS NULL AND s.status IN ('active', 'frozen', 'cut_off')
       LEFT JOIN meter m ON m.id = f.meter_id
       LEFT JOIN ledger_account la ON la.subscription_id = s.id::text
      WHERE s.party_id = $1
      ORDER BY s.started_at DESC, s.id DESC OFFSET $2 LIMIT $3`,
    [partyId, page.offset, page.limit],
  );
  return {
    total: rows[0]?.total ?? 0,
    items: rows.map((r) => ({
      id: Number(r.id),
      class: r.class,
      status: r.status,
      commodity: r.commodity,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      installationId: Number(r.installation_id),
      address: { id: Number(r.address_id), il: r.il, ilce: r.ilce, mahalle: r.mahalle, street: r.street, buildingNo: r.building_no, doorNo: r.door_no, coordinates: toLonLat(r.location.x, r.location.y) },
      meter: r.serial ? { serial: r.serial, status: r.meter_status } : null,
      accountId: r.account_id === null ? null : Number(r.account_id),
    })),
  };
}
