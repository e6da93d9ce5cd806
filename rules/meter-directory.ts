/**
 * What the engine knows about meters: model code, register digits, region and group. Loaded whole at start (a few
 * dozen bytes a meter), new meters picked up on every reload tick, everything again when the rules change. The
 * engine asks synchronously: the reading path does no database work.
 */
import type pg from 'pg';
import type { MeterInfo } from './engine.ts';

const SUPPLIED_REFRESH_MS = 60_000;

export class MeterDirectory {
  private byId = new Map<number, MeterInfo>();
  private maxId = 0;
  private suppliedAt = 0;

  /** `suppliedMeters`, when given, says which meters supply an active contract (asked again on every load). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly suppliedMeters?: () => Promise<ReadonlySet<number>>,
  ) {}

  readonly lookup = (meterId: number): MeterInfo | undefined => this.byId.get(meterId);

  get size(): number {
    return this.byId.size;
  }

  async loadAll(): Promise<void> {
    const fresh = new Map<number, MeterInfo>();
    this.maxId = await this.load('', [], fresh);
    this.byId = fresh;
    await this.refreshSupplied(true);
  }

  /** Meters registered since the last load, and who supplies a contract now. */
  async loadNew(): Promise<number> {
    const before = this.byId.size;
    this.maxId = Math.max(this.maxId, await this.load('WHERE m.id > $1', [this.maxId], this.byId));
    await this.refreshSupplied();
    return this.byId.size - before;
  }

  /**
   * In place: the engine's per-meter state holds these objects, so it sees a move-in or a freeze at the next reading.
   * At most once a minute besides full loads: contracts change by the day, and the question reads every fitting.
   */
  private async refreshSupplied(force = false): Promise<void> {
    if (!this.suppliedMeters || (!force && Date.now() - this.suppliedAt < SUPPLIED_REFRESH_MS)) return;
    this.suppliedAt = Date.now();
    const supplied = await this.suppliedMeters();
    for (const [id, info] of this.byId) info.supplied = supplied.has(id);
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
