/** The board's map: the page's orders at the places their meters are fitted, red when the SLA is breached. */
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Text } from '@mantine/core';
import { api } from '../api/client.ts';
import type { WorkOrder } from '../api/domain.ts';
import PointsMap, { type MapPoint } from '../map/PointsMap.tsx';

export default function OrdersMap({ orders }: { orders: WorkOrder[] }) {
  const { t } = useTranslation();
  const serials = [...new Set(orders.map((o) => o.meterSerial).filter((s): s is string => !!s))].sort();
  const where = useQuery({
    queryKey: ['meter-points', serials],
    enabled: serials.length > 0,
    queryFn: () => api<{ items: Array<{ serial: string; coordinates: [number, number] }> }>(`/api/v1/meter-map/points?serials=${serials.map(encodeURIComponent).join(',')}`),
  });
  const points = useMemo<MapPoint[]>(() => {
    const at = new Map((where.data?.items ?? []).map((p) => [p.serial, p.coordinates]));
    return orders.flatMap((o) => {
      const c = o.meterSerial ? at.get(o.meterSerial) : undefined;
      return c ? [{ id: String(o.id), coordinates: c, colour: o.breached ? '#c92a2a' : '#1864ab' }] : [];
    });
  }, [orders, where.data]);
  return (
    <>
      <PointsMap points={points} label={t('workOrders.map')} height={420} />
      <Text size="xs" c="dimmed" p="xs">
        {t('workOrders.mapNote', { shown: points.length, total: orders.length })}
      </Text>
    </>
  );
}
