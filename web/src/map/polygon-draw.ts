/**
 * Drawing a polygon on the map by clicks: each click adds a corner, "close" turns the corners into a GeoJSON
 * Polygon (the ring closed by repeating the first corner, as GeoJSON wants). Drawn as its own source and layers so
 * the meter layer stays untouched. No drawing library: three clicks and a button are all the selection needs.
 */
import type { GeoJSONSource, LayerSpecification, Map as MapLibre } from 'maplibre-gl';

export const DRAW_SOURCE = 'draw';

export function drawLayers(): LayerSpecification[] {
  return [
    { id: 'draw-fill', type: 'fill', source: DRAW_SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#f08c00', 'fill-opacity': 0.15 } },
    { id: 'draw-line', type: 'line', source: DRAW_SOURCE, filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': '#e8590c', 'line-width': 2 } },
    { id: 'draw-corners', type: 'circle', source: DRAW_SOURCE, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': '#e8590c', 'circle-radius': 4 } },
  ];
}

export function closedRing(corners: Array<[number, number]>): GeoJSON.Polygon | null {
  if (corners.length < 3) return null;
  return { type: 'Polygon', coordinates: [[...corners, corners[0]]] };
}

/** Shows the corners so far, the open line between them, and the polygon once closed. */
export function showDrawing(map: MapLibre, corners: Array<[number, number]>, closed: boolean): void {
  const features: GeoJSON.Feature[] = corners.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }));
  const ring = closedRing(corners);
  if (closed && ring) features.push({ type: 'Feature', properties: {}, geometry: ring });
  else if (corners.length > 1) features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: corners } });
  (map.getSource(DRAW_SOURCE) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features });
}
