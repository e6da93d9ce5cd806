/**
 * A small map of a few places (a page of work orders, a subscriber's addresses): circles coloured by the caller,
 * the view fitted to them. Bounded by its callers (a page, a party's contracts), so no clustering is needed here.
 */
import { useEffect, useRef } from 'react';
import { LngLatBounds, Map as MapLibre, NavigationControl, type GeoJSONSource } from 'maplibre-gl';
import { basemapStyle, useWebConfig } from './basemap.ts';

export interface MapPoint {
  id: string;
  coordinates: [number, number];
  colour: string;
}

export default function PointsMap({ points, label, height = 360 }: { points: MapPoint[]; label: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibre | null>(null);
  const config = useWebConfig();

  useEffect(() => {
    if (!box.current || !config.data) return;
    const m = new MapLibre({ container: box.current, style: basemapStyle(config.data.mapTileUrl), center: [35, 39], zoom: 4.6, attributionControl: false });
    m.addControl(new NavigationControl({ showCompass: false }));
    m.on('load', () => {
      m.addSource('points', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      m.addLayer({ id: 'points', type: 'circle', source: 'points', paint: { 'circle-color': ['get', 'colour'], 'circle-radius': 7, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
      map.current = m;
      box.current?.setAttribute('data-map-ready', 'true');
      box.current?.dispatchEvent(new Event('map-ready'));
    });
    return () => {
      map.current = null;
      m.remove();
    };
  }, [config.data]);

  useEffect(() => {
    const draw = () => {
      const m = map.current;
      if (!m) return;
      (m.getSource('points') as GeoJSONSource).setData({
        type: 'FeatureCollection',
        features: points.map((p) => ({ type: 'Feature', properties: { id: p.id, colour: p.colour }, geometry: { type: 'Point', coordinates: p.coordinates } })),
      });
      if (points.length) {
        const b = new LngLatBounds(points[0].coordinates, points[0].coordinates);
        for (const p of points) b.extend(p.coordinates);
        m.fitBounds(b, { padding: 40, maxZoom: 15, duration: 0 });
      }
      box.current?.setAttribute('data-points', String(points.length));
    };
    if (map.current) draw();
    const el = box.current;
    el?.addEventListener('map-ready', draw);
    return () => el?.removeEventListener('map-ready', draw);
  }, [points]);

  return <div ref={box} style={{ height }} data-testid="points-map" role="region" aria-label={label} />;
}
