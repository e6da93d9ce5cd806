/**
 * The meter map without the internet: the offline basemap (basemap.ts) with every fitted meter as a clustered layer
 * coloured by state. The view asks `GET /api/v1/meter-map` for its box and zoom whenever it stops moving: far out the
 * server sums meters into grid cells and MapLibre clusters those, so 100,000 meters are a few dozen circles; close in
 * it sends single meters. A polygon drawn by clicks selects the meters inside it, listed a page at a time.
 */
import { useEffect, useRef, useState } from 'react';
import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Map as MapLibre, NavigationControl, type GeoJSONSource, type MapMouseEvent } from 'maplibre-gl';
import { api } from '../api/client.ts';
import type { MeterMapAnswer } from '../api/domain.ts';
import { formatNumber } from '../turkish.ts';
import { basemapStyle, useWebConfig } from './basemap.ts';
import { meterFeatures, meterLayers, meterSource, METER_LAYERS, METER_SOURCE, STATE_COLOURS } from './meter-layer.ts';
import { closedRing, drawLayers, DRAW_SOURCE, showDrawing } from './polygon-draw.ts';
import { SelectionList } from './SelectionList.tsx';

export default function MapScreen() {
  const { t, i18n } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibre | null>(null);
  const config = useWebConfig();
  const [view, setView] = useState<{ total: number; mode: string; truncated: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [drawing, setDrawing] = useState(false);
  const [corners, setCorners] = useState<Array<[number, number]>>([]);
  const [polygon, setPolygon] = useState<GeoJSON.Polygon | null>(null);
  const drawingRef = useRef(false);
  drawingRef.current = drawing;

  useEffect(() => {
    if (!box.current || !config.data) return;
    const el = box.current;
    // The view lives in the URL's hash (#zoom/lat/lon): a reload keeps it and a link shows a colleague the same place.
    const map = new MapLibre({ container: el, style: basemapStyle(config.data.mapTileUrl), center: [35, 39], zoom: 4.6, attributionControl: false, doubleClickZoom: false, hash: true });
    map.addControl(new NavigationControl({ showCompass: false }));
    let asked = 0;
    const load = async () => {
      const b = map.getBounds();
      const n = ++asked;
      const qs = new URLSearchParams({ west: clamp(b.getWest(), 180), south: clamp(b.getSouth(), 85), east: clamp(b.getEast(), 180), north: clamp(b.getNorth(), 85), zoom: map.getZoom().toFixed(2) });
      try {
        const answer = await api<MeterMapAnswer>(`/api/v1/meter-map?${qs}`);
        if (n !== asked) return; // a later move already asked again
        (map.getSource(METER_SOURCE) as GeoJSONSource).setData(meterFeatures(answer));
        el.setAttribute('data-source-features', String(answer.items.length));
        setView({ total: answer.total, mode: answer.mode, truncated: answer.truncated });
        setError(null);
      } catch (err) {
        setError((err as Error).message);
      }
    };
    map.on('load', () => {
      map.addSource(METER_SOURCE, meterSource());
      for (const layer of meterLayers()) map.addLayer(layer);
      map.addSource(DRAW_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      for (const layer of drawLayers()) map.addLayer(layer);
      mapRef.current = map;
      el.setAttribute('data-map-ready', 'true');
      void load();
    });
    map.on('moveend', () => void load());
    // What is on screen once the map settles: the test reads it to see clustering at work.
    map.on('idle', () => {
      if (!map.getLayer('meter-clusters')) return;
      const shown = map.queryRenderedFeatures({ layers: METER_LAYERS });
      el.setAttribute('data-rendered', String(shown.length));
      el.setAttribute('data-rendered-clusters', String(shown.filter((f) => f.properties?.cluster).length));
    });
    map.on('click', (e: MapMouseEvent) => {
      if (!drawingRef.current) return;
      setCorners((c) => [...c, [e.lngLat.lng, e.lngLat.lat]]);
    });
    return () => {
      mapRef.current = null;
      map.remove();
    };
  }, [config.data]);

  useEffect(() => {
    if (mapRef.current) showDrawing(mapRef.current, corners, polygon !== null);
    box.current?.setAttribute('data-corners', String(corners.length));
  }, [corners, polygon]);
  useEffect(() => {
    if (box.current) box.current.style.cursor = drawing ? 'crosshair' : '';
  }, [drawing]);

  const startDrawing = () => {
    setCorners([]);
    setPolygon(null);
    setDrawing(true);
  };
  const close = () => {
    setPolygon(closedRing(corners));
    setDrawing(false);
  };
  const clear = () => {
    setCorners([]);
    setPolygon(null);
    setDrawing(false);
  };

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('map.title')}
      </Title>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="map-summary">
          {config.data?.mapTileUrl ? t('map.tiles') : t('map.offline')}
          {view && ` · ${t(view.mode === 'cells' ? 'map.inViewCells' : 'map.inView', { count: view.total, n: formatNumber(view.total, i18n.language) })}`}
          {view?.truncated && ` · ${t('map.zoomIn')}`}
        </Text>
        <Group gap="xs" aria-label={t('map.legend')} role="group">
          {Object.entries(STATE_COLOURS).map(([state, colour]) => (
            <Group gap={4} key={state}>
              <span aria-hidden style={{ display: 'inline-block', width: 12, height: 12, borderRadius: 6, background: colour }} />
              <Text size="sm">{t(`meterState.${state}`)}</Text>
            </Group>
          ))}
        </Group>
      </Group>
      <Group gap="xs">
        {!drawing ? (
          <Button variant="default" onClick={startDrawing}>
            {t('map.draw')}
          </Button>
        ) : (
          <>
            <Text size="sm" role="status">
              {t('map.drawHint', { count: corners.length })}
            </Text>
            <Button onClick={close} disabled={corners.length < 3}>
              {t('map.closePolygon')}
            </Button>
          </>
        )}
        {(drawing || polygon) && (
          <Button variant="default" onClick={clear}>
            {t('map.clearPolygon')}
          </Button>
        )}
      </Group>
      {error && <Text c="red.9">{t('app.error', { message: error })}</Text>}
      <Card withBorder p={0}>
        <div ref={box} style={{ height: polygon ? 'calc(60vh - 120px)' : 'calc(100vh - 260px)', minHeight: 360 }} data-testid="map" role="region" aria-label={t('map.title')} />
      </Card>
      {polygon && <SelectionList polygon={polygon} />}
    </Stack>
  );
}

const clamp = (v: number, limit: number) => Math.max(-limit, Math.min(limit, v)).toFixed(6);
