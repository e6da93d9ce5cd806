/**
 * The device registry: meter models, meters and their MQTT credentials.
 *
 * The ingest path asks "who is meter X and what may it report?" for every reading, so meters are cached in memory.
 * A serial the cache does not know is looked up once in the database; a serial that is not there either is
 * remembered as unknown for a short while, so a flood of forged serials costs no database round trips.
 */
import { withTransaction } from '../platform/db/pool.ts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { AboneError } from '../platform/errors.ts';
import { CHANNEL_BY_CODE } from './channels.ts';

export type Commodity = 'gas' | 'water' | 'electricity';

export interface ModelChannelSpec {
  channel: string;
  intervalSeconds?: number;
}

export interface MeterModelInput {
  code: string;
  manufacturer: string;
  commodity: Commodity;
  registerDigits?: number;
  registerDecimals?: number;
  channels: ModelChannelSpec[];
  modbusMap?: unknown;
}

export interface MeterInput {
  serial: string;
  model: string; // model code
  communication?: Record<string, unknown>;
  status?: 'active' | 'inactive';
}

/** What the ingest path needs to know about a meter. */
export interface KnownMeter {
  id: number;
  serial: string;
  modelId: number;
  commodity: Commodity;
  status: string;
  channelIds: ReadonlySet<number>;
  communication: Record<string, unknown>;
  /** The operating region (rules attach to it, work orders route by it); null when not set. */
  region: string | null;
}

const UNKNOWN_TTL_MS = 30_000;

export class DeviceRegistry {
  private bySerial = new Map<string, KnownMeter>();
  private unknownUntil = new Map<string, number>();

  constructor(private readonly pool: pg.Pool) {}

  /** Loads every meter into the cache; called at start-up. */
  async load(): Promise<number> {
    const rows = await this.query('');
    this.bySerial.clear();
    for (const m of rows) this.bySerial.set(m.serial, m);
    return rows.length;
  }

  cached(serial: string): KnownMeter | undefined {
    return this.bySerial.get(serial);
  }

  /** Resolves serials missing from the cache with one query; unknown ones are remembered briefly. */
  async resolve(serials: Iterable<string>): Promise<void> {
    const now = Date.now();
    const missing = [...new Set(serials)].filter((s) => !this.bySerial.has(s) && (this.unknownUntil.get(s) ?? 0) < now);
    if (!missing.length) return;
    const rows = await this.query('WHERE m.serial = ANY($1)', [missing]);
    for (const m of rows) this.bySerial.set(m.serial, m);
    for (const s of missing) if (!this.bySerial.has(s)) this.unknownUntil.set(s, now + UNKNOWN_TTL_MS);
    if (this.unknownUntil.size > 100_000) this.unknownUntil.clear(); // bounded: forged serials are unlimited
  }

  async get(serial: string): Promise<KnownMeter> {
    await this.resolve([serial]);
    const m = this.bySerial.get(serial);
    if (!m) throw new AboneError('ABONE_ERR_HEADEND_METER_NOT_FOUND', { serial });
    return m;
  }

  all(): KnownMeter[] {
    return [...this.bySerial.values()];
  }

  async upsertModel(input: MeterModelInput): Promise<number> {
    for (const c of input.channels) if (!CHANNEL_BY_CODE.has(c.channel)) throw new AboneError('ABONE_ERR_HEADEND_CHANNEL_UNKNOWN', { channel: c.channel });
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO meter_model (code, manufacturer, commodity, register_digits, register_decimals, modbus_map)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (code) DO UPDATE SET manufacturer = EXCLUDED.manufacturer, commodity = EXCLUDED.commodity,
           register_digits = EXCLUDED.register_digits, register_decimals = EXCLUDED.register_decimals, modbus_map = EXCLUDED.modbus_map
         RETURNING id`,
        [input.code, input.manufacturer, input.commodity, input.registerDigits ?? 8, input.registerDecimals ?? 3, input.modbusMap === undefined ? null : JSON.stringify(input.modbusMap)],
      );
      const modelId = rows[0].id;
      await client.query('DELETE FROM meter_model_channel WHERE model_id = $1', [modelId]);
      await client.query(
        `INSERT INTO meter_model_channel (model_id, channel_id, interval_seconds)
         SELECT $1, c.id, x.interval FROM unnest($2::text[], $3::int[]) AS x(code, interval) JOIN channel c ON c.code = x.code`,
        [modelId, input.channels.map((c) => c.channel), input.channels.map((c) => c.intervalSeconds ?? null)],
      );
      await client.query('COMMIT');
      return modelId;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Creates meters in one statement; existing serials are left as they are. Returns the number created. */
  async addMeters(meters: MeterInput[]): Promise<number> {
    if (!meters.length) return 0;
    const models = [...new Set(meters.map((m) => m.model))];
    const { rows: known } = await this.pool.query<{ code: string }>('SELECT code FROM meter_model WHERE code = ANY($1)', [models]);
    const missing = models.find((code) => !known.some((k) => k.code === code));
    if (missing !== undefined) throw new AboneError('ABONE_ERR_HEADEND_MODEL_NOT_FOUND', { code: missing });
    const { rowCount } = await this.pool.query(
      `INSERT INTO meter (serial, model_id, commodity, communication, status)
       SELECT x.serial, mm.id, mm.commodity, x.comm::jsonb, x.status
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(serial, model, comm, status)
       JOIN meter_model mm ON mm.code = x.model
       ON CONFLICT (serial) DO NOTHING`,
      [meters.map((m) => m.serial), meters.map((m) => m.model), meters.map((m) => JSON.stringify(m.communication ?? { protocol: 'mqtt' })), meters.map((m) => m.status ?? 'active')],
    );
    await this.resolve(meters.map((m) => m.serial));
    return rowCount ?? 0;
  }

  /**
   * Issues a new MQTT secret for a meter, revoking the one it had. The secret is returned once and never stored.
   */
  async issueCredential(serial: string): Promise<string> {
    const meter = await this.get(serial);
    const secret = randomBytes(32).toString('base64url');
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('UPDATE device_credential SET revoked_at = now() WHERE meter_id = $1 AND revoked_at IS NULL', [meter.id]);
      await client.query('INSERT INTO device_credential (meter_id, secret_sha256) VALUES ($1, $2)', [meter.id, sha256(secret)]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return secret;
  }

  /** Issues credentials for many meters at once (fleet provisioning); returns serial -> secret. */
  async issueCredentials(serials: string[]): Promise<Map<string, string>> {
    await this.resolve(serials);
    const secrets = new Map(serials.map((s) => [s, randomBytes(32).toString('base64url')]));
    const ids = serials.map((s) => this.bySerial.get(s)?.id);
    if (ids.some((id) => id === undefined)) throw new AboneError('ABONE_ERR_HEADEND_METER_NOT_FOUND', { serial: serials[ids.indexOf(undefined)] });
    // Two statements: in one (a data-modifying CTE) the insert would still see the old credential in the unique index.
    await withTransaction(this.pool, async (c) => {
      await c.query('UPDATE device_credential SET revoked_at = now() WHERE meter_id = ANY($1) AND revoked_at IS NULL', [ids]);
      await c.query('INSERT INTO device_credential (meter_id, secret_sha256) SELECT * FROM unnest($1::int[], $2::bytea[])', [ids, serials.map((s) => sha256(secrets.get(s)!))]);
    });
    return secrets;
  }

  /** Changes how the head-end reaches a meter (a Modbus address moved, a meter switched to MQTT). */
  async setCommunication(serial: string, communication: Record<string, unknown>): Promise<void> {
    const { rowCount } = await this.pool.query('UPDATE meter SET communication = $2 WHERE serial = $1', [serial, JSON.stringify(communication)]);
    if (!rowCount) throw new AboneError('ABONE_ERR_HEADEND_METER_NOT_FOUND', { serial });
    const cached = this.bySerial.get(serial);
    if (cached) cached.communication = communication;
  }

  /** The newest stored reading of a meter, so a poller that restarts resumes where storage stands. */
  async lastStoredAt(serial: string): Promise<Date | undefined> {
    const meter = await this.get(serial);
    const { rows } = await this.pool.query('SELECT max(ts) AS ts FROM reading WHERE meter_id = $1', [meter.id]);
    return rows[0].ts ?? undefined;
  }

  /** Active meters the head-end polls (Modbus), with their model's register map. */
  async polledMeters(): Promise<Array<{ serial: string; communication: Record<string, any>; map: unknown }>> {
    const { rows } = await this.pool.query(
      `SELECT m.serial, m.communication, mm.modbus_map AS map FROM meter m JOIN meter_model mm ON mm.id = m.model_id
       WHERE m.status = 'active' AND m.communication->>'protocol' IN ('modbus-tcp', 'modbus-rtu') ORDER BY m.serial`,
    );
    return rows;
  }

  async revokeCredential(serial: string): Promise<void> {
    const meter = await this.get(serial);
    await this.pool.query('UPDATE device_credential SET revoked_at = now() WHERE meter_id = $1 AND revoked_at IS NULL', [meter.id]);
  }

  /** True when `secret` is the meter's active credential. Constant-time comparison of the hashes. */
  async verifyCredential(serial: string, secret: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ secret_sha256: Buffer }>(
      `SELECT dc.secret_sha256 FROM device_credential dc JOIN meter m ON m.id = dc.meter_id
       WHERE m.serial = $1 AND dc.revoked_at IS NULL AND m.status = 'active'`,
      [serial],
    );
    if (!rows.length) return false;
    return timingSafeEqual(rows[0].secret_sha256, sha256(secret));
  }

  /** Meters by their ids (alarms and other contexts refer to meters by id). Unknown ids are left out. */
  async byIds(ids: number[]): Promise<KnownMeter[]> {
    return this.query('WHERE m.id = ANY($1::int[])', [ids]);
  }

  private async query(where: string, params: unknown[] = []): Promise<KnownMeter[]> {
    const { rows } = await this.pool.query(
      `SELECT m.id, m.serial, m.model_id, m.commodity, m.status, m.communication, m.region,
              coalesce(array_agg(mc.channel_id) FILTER (WHERE mc.channel_id IS NOT NULL), '{}') AS channel_ids
       FROM meter m LEFT JOIN meter_model_channel mc ON mc.model_id = m.model_id
       ${where} GROUP BY m.id`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      serial: r.serial,
      modelId: r.model_id,
      commodity: r.commodity,
      status: r.status,
      communication: r.communication,
      region: r.region,
      channelIds: new Set<number>(r.channel_ids),
    }));
  }
}

function sha256(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
