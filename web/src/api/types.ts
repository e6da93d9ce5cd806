/** The shapes the console reads, as the API serves them (server/http/routes, modules/access, rules). */
export interface Me {
  username: string;
  via: string;
  permissions: Record<string, { regions?: string[]; warehouses?: string[] }>;
}

export interface Health {
  status: 'ok' | 'degraded' | 'down';
  database: { ok: boolean; latencyMs?: number; error?: string };
  broker: { mode: 'embedded' | 'external' | 'none'; connected: boolean; clients?: number };
  ingest?: { queueDepth: number; readingsWritten: number; rejected: number; lastCommitAt: string | null; lagSeconds: number | null };
}

export interface MeterRow {
  serial: string;
  model: string;
  commodity: 'gas' | 'water' | 'electricity';
  status: string;
  createdAt: string;
}

export interface MeterDetail {
  serial: string;
  channels: Array<{ code: string; kind: string; unit: string }>;
}

export interface Series {
  serial: string;
  channel: string;
  unit: string;
  resolution: Resolution;
  points: Array<Record<string, unknown> & { ts: string }>;
}

export const RESOLUTIONS = ['raw', 'hour', 'day', 'month'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export interface WebConfig {
  mapTileUrl: string | null;
}

/** One event of the live feed (platform/feed.ts). */
export interface FeedEvent {
  stream: string;
  kind: string;
  id: string;
  at: string;
  data: Record<string, unknown>;
}
