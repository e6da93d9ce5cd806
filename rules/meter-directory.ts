/**
 * What the engine knows about meters: model code, register digits, region and group. Loaded whole at start (a few
 * dozen bytes a meter), new meters picked up on every reload tick, everything again when the rules change. The
 * engine asks synchronously: the reading path does no database work.
 */
import type pg from 'pg';
import type { MeterInfo } from './engine.ts';

export class MeterDirectory {
  private byId = new Map<number, MeterInfo>();
  private maxId = 0;

  constructor(private readonly pool: pg.Pool) {}

  readonly lookup = (meterId: number): MeterInfo | undefined => this.byId.get(meterId);

  get size(): number {
    return this.byId.size;
  }

  async loadAll(): Promise<void> {
    const fresh = new Map<number, MeterInfo>();
    this.maxId = await this.load('', [], fresh);
    this.byId = fresh;
  }

  /** Meters registered since the last load. */
  async loadNew(): Promise<number> {
    const before = this.byId.size;
    this.maxId = Math.max(this.maxId, await this.load('WHERE m.id > $1', [this.maxId], this.byId));
    return this.byId.size - before;
  }

  private async load(where: string, params: unknown[], into: Map<number, MeterInfo>): Promise<number> {
    const { rows } = await this.pool.query(
      `SELECT m.id, mm.code, mm.register_digits, m.region, m.meter_group FROM meter m JOIN meter_model mm ON mm.id = m.model_id ${where}`,
      params,
    );
    let max = 0;
    for (const r of rows) {
      into.set(r.id, { modelCode: r.code, registerDigits: r.register_digits, region: r.region, group: r.meter_group });
      if (r.id > max) max = r.id;
    }
    return max;
  }
}
