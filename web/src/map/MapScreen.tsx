/**
 * The meter map without the internet: MapLibre GL over province outlines shipped with the console (coarse polygons
 * of a few provinces, drawn by hand for this first slice, see docs/web.md), with the utility's own raster tiles
 * underneath when `ABONE_MAP_TILE_URL` is set. Meters are a clustered GeoJSON layer: clustering happens in
 * MapLibre's worker, so 100,000 points stay a few hundred circles on screen.
 */
import { useEffect, useRef } from 'react';
import { Card, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Map as MapLibre, NavigationControl, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
// Vite copies the self-contained worker next to the bundle; MapLibre must be told where it went.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { api } from '../api/client.ts';
import type { WebConfig } from '../api/types.ts';
import provinces from './provinces.json';
import { meterLayers, METER_SOURCE, emptyMeters } from './meter-layer.ts';

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

export default function MapScreen() {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const config = useQuery({ queryKey: ['web-config'], queryFn: () => api<WebConfig>('/api/v1/web-config'), staleTime: Infinity });

  useEffect(() => {
    if (!box.current || !config.data) return;
    const map = new MapLibre({ container: box.current, style: basemapStyle(config.data.mapTileUrl), center: [35, 39], zoom: 4.6, attributionControl: false });
    map.addControl(new NavigationControl({ showCompass: false }));
    map.on('load', () => {
      // Meter locations are not served yet (no route joins meters to installation coordinates): the layer is wired to
      // an empty source, so the screen works the day the route lands by filling it with `setData`.
      map.addSource(METER_SOURCE, { type: 'geojson', data: emptyMeters(), cluster: true, clusterRadius: 50, clusterMaxZoom: 14 });
      for (const layer of meterLayers()) map.addLayer(layer);
      box.current?.setAttribute('data-map-ready', 'true');
    });
    return () => map.remove();
  }, [config.data]);

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('map.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {config.data?.mapTileUrl ? t('map.tiles') : t('map.offline')} · {t('map.noLocations')}
      </Text>
      <Card withBorder p={0}>
        <div ref={box} style={{ height: 'calc(100vh - 220px)', minHeight: 360 }} data-testid="map" role="region" aria-label={t('map.title')} />
      </Card>
    </Stack>
  );
}
