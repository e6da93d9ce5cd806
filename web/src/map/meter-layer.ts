/**
 * The clustered meter layer: clusters sized by how many meters they hold, single meters coloured by status. No text
 * labels: the offline basemap ships no glyphs, and a count is read from the circle's size and the popup later.
 */
import type { LayerSpecification } from 'maplibre-gl';

export const METER_SOURCE = 'meters';

export const STATUS_COLOURS: Record<string, string> = { active: '#2f9e44', installed: '#2f9e44', in_stock: '#868e96', faulty: '#e03131', removed: '#495057' };

export function emptyMeters(): GeoJSON.FeatureCollection<GeoJSON.Point, { serial: string; status: string }> {
  return { type: 'FeatureCollection', features: [] };
}

export function meterLayers(): LayerSpecification[] {
  const byStatus: unknown[] = ['match', ['get', 'status']];
  for (const [status, colour] of Object.entries(STATUS_COLOURS)) byStatus.push(status, colour);
  byStatus.push('#1c7ed6');
  return [
    {
      id: 'meter-clusters',
      type: 'circle',
      source: METER_SOURCE,
      filter: ['has', 'point_count'],
      paint: { 'circle-color': '#1c7ed6', 'circle-opacity': 0.7, 'circle-radius': ['step', ['get', 'point_count'], 12, 100, 18, 1000, 26, 10000, 34] },
    },
    {
      id: 'meter-points',
      type: 'circle',
      source: METER_SOURCE,
      filter: ['!', ['has', 'point_count']],
      paint: { 'circle-color': byStatus as never, 'circle-radius': 5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
    },
  ];
}
