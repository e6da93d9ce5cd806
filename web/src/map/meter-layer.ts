/**
 * The meter layer: what `GET /api/v1/meter-map` answers (grid cells far out, single meters close in) as GeoJSON for a
 * clustered MapLibre source. Every feature carries `count` (1 for a single meter) and `alarm` (how many have an
 * active alarm); clusters sum both (`clusterProperties`), so a cluster's size and colour tell how many meters it
 * holds and whether any is in alarm. No text labels: the offline basemap ships no glyphs.
 */
import type { GeoJSONSourceSpecification, LayerSpecification } from 'maplibre-gl';
import type { MeterMapAnswer } from '../api/domain.ts';

export const METER_SOURCE = 'meters';

/** Colours of a meter's state (AA contrast against the basemap is not needed for fills; the legend says it in text). */
export const STATE_COLOURS: Record<string, string> = { active: '#2b8a3e', inactive: '#868e96', removed: '#495057', alarm: '#c92a2a' };
export const METER_LAYERS = ['meter-clusters', 'meter-cells', 'meter-points'];

export type MeterFeatures = GeoJSON.FeatureCollection<GeoJSON.Point, { count: number; alarm: number; state: string; serial?: string }>;

export function meterFeatures(answer: MeterMapAnswer | null): MeterFeatures {
  if (!answer) return { type: 'FeatureCollection', features: [] };
  return {
    type: 'FeatureCollection',
    features: answer.items.map((it) => {
      if (answer.mode === 'meters') {
        const [lon, lat, serial, state] = it as [number, number, string, string];
        return { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { count: 1, alarm: state === 'alarm' ? 1 : 0, state, serial } };
      }
      const [lon, lat, count, active, inactive, removed, alarm] = it as number[];
      // A cell's state is its worst: any alarm, else mostly active, else mostly out of service.
      const state = alarm > 0 ? 'alarm' : active >= inactive + removed ? 'active' : inactive >= removed ? 'inactive' : 'removed';
      return { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { count, alarm, state } };
    }),
  };
}

export function meterSource(): GeoJSONSourceSpecification {
  return {
    type: 'geojson',
    data: meterFeatures(null),
    cluster: true,
    clusterRadius: 50,
    clusterMaxZoom: 16,
    clusterProperties: { count: ['+', ['get', 'count']], alarm: ['+', ['get', 'alarm']] },
  };
}

const bySize = (max: number): unknown => ['step', ['get', 'count'], 8, 10, 12, 100, 16, 1000, 22, 10000, 28, 50000, max];

export function meterLayers(): LayerSpecification[] {
  const byState: unknown[] = ['match', ['get', 'state']];
  for (const [state, colour] of Object.entries(STATE_COLOURS)) byState.push(state, colour);
  byState.push('#1864ab');
  return [
    {
      id: 'meter-clusters',
      type: 'circle',
      source: METER_SOURCE,
      filter: ['has', 'point_count'],
      paint: { 'circle-color': ['case', ['>', ['get', 'alarm'], 0], STATE_COLOURS.alarm, '#1864ab'] as never, 'circle-opacity': 0.75, 'circle-radius': bySize(34) as never, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
    },
    {
      id: 'meter-cells',
      type: 'circle',
      source: METER_SOURCE,
      filter: ['all', ['!', ['has', 'point_count']], ['>', ['get', 'count'], 1]],
      paint: { 'circle-color': byState as never, 'circle-opacity': 0.75, 'circle-radius': bySize(30) as never, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
    },
    {
      id: 'meter-points',
      type: 'circle',
      source: METER_SOURCE,
      filter: ['all', ['!', ['has', 'point_count']], ['==', ['get', 'count'], 1]],
      paint: { 'circle-color': byState as never, 'circle-radius': 5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
    },
  ];
}
