/**
 * The offline basemap every map of the console draws on: the shipped province outlines (coarse, hand-drawn, see
 * docs/web.md), with the utility's own raster tiles underneath when `ABONE_MAP_TILE_URL` is set. Importing this
 * module loads MapLibre, so screens import it lazily.
 */
import { setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
// Vite copies the self-contained worker next to the bundle; MapLibre must be told where it went.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { WebConfig } from '../api/types.ts';
import provinces from './provinces.json';

setWorkerUrl(workerUrl);

export function basemapStyle(tileUrl: string | null): StyleSpecification {
  return {
    version: 8,
    sources: {
      provinces: { type: 'geojson', data: provinces as GeoJSON.FeatureCollection },
      ...(tileUrl ? { gis: { type: 'raster' as const, tiles: [tileUrl], tileSize: 256 } } : {}),
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#dbe9f4' } },
      ...(tileUrl ? [{ id: 'gis', type: 'raster' as const, source: 'gis' }] : []),
      { id: 'country', type: 'fill', source: 'provinces', filter: ['==', ['get', 'kind'], 'country'], paint: { 'fill-color': '#f5f3ee', 'fill-opacity': tileUrl ? 0 : 1 } },
      { id: 'province-fill', type: 'fill', source: 'provinces', filter: ['==', ['get', 'kind'], 'province'], paint: { 'fill-color': '#e9e4d8', 'fill-opacity': tileUrl ? 0.2 : 1 } },
      { id: 'outlines', type: 'line', source: 'provinces', paint: { 'line-color': '#7a7a7a', 'line-width': 1 } },
    ],
  };
}

export function useWebConfig() {
  return useQuery({ queryKey: ['web-config'], queryFn: () => api<WebConfig>('/api/v1/web-config'), staleTime: Infinity });
}
