/**
 * A meter's page: its channels, one charted at raw/hour/day/month resolution over a recent window. For registers at
 * hour/day/month the chart shows consumption per bucket (the server's `delta`), which is what an operator compares.
 */
import { useMemo, useState } from 'react';
import { Card, Group, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { RESOLUTIONS, type MeterDetail, type Resolution, type Series } from '../api/types.ts';
import { Link } from '../router.tsx';
import { SeriesChart } from './SeriesChart.tsx';

/** How far back each resolution looks: enough buckets to read a shape, few enough to stay light. */
const WINDOW_DAYS: Record<Resolution, number> = { raw: 2, hour: 14, day: 90, month: 730 };

export function MeterScreen({ serial }: { serial: string }) {
  const { t } = useTranslation();
  const meter = useQuery({ queryKey: ['meter', serial], queryFn: () => api<MeterDetail>(`/api/v1/meters/${encodeURIComponent(serial)}`) });
  const [channel, setChannel] = useState<string | null>(null);
  const [resolution, setResolution] = useState<Resolution>('hour');
  const chosen = channel ?? meter.data?.channels[0]?.code ?? null;

  const series = useQuery({
    queryKey: ['series', serial, chosen, resolution],
    enabled: !!chosen,
    queryFn: () => {
      const to = new Date();
      const from = new Date(to.getTime() - WINDOW_DAYS[resolution] * 86_400_000);
      const qs = new URLSearchParams({ channel: chosen!, resolution, from: from.toISOString(), to: to.toISOString() });
      return api<Series>(`/api/v1/meters/${encodeURIComponent(serial)}/series?${qs}`);
    },
  });

  const data = useMemo(() => {
    const points = series.data?.points ?? [];
    const xs = points.map((p) => Date.parse(p.ts) / 1000);
    const ys = points.map((p) => {
      const v = p.delta ?? p.value;
      return v === null || v === undefined ? null : Number(v);
    });
    return { xs, ys };
  }, [series.data]);

  return (
    <Stack>
      <Link to="/meters">{t('meters.back')}</Link>
      <Title order={1} size="h2">
        {serial}
      </Title>
      {meter.error && <Text c="red">{t('app.error', { message: meter.error.message })}</Text>}
      <Group align="end">
        <Select
          label={t('meters.channel')}
          data={(meter.data?.channels ?? []).map((c) => ({ value: c.code, label: `${c.code} (${c.unit})` }))}
          value={chosen}
          onChange={setChannel}
          allowDeselect={false}
        />
        <div>
          <Text size="sm" fw={500} id="resolution-label">
            {t('meters.resolution')}
          </Text>
          <SegmentedControl
            aria-labelledby="resolution-label"
            value={resolution}
            onChange={(v) => setResolution(v as Resolution)}
            data={RESOLUTIONS.map((r) => ({ value: r, label: t(`resolution.${r}`) }))}
          />
        </div>
        <Text size="sm" c="dimmed">
          {t('meters.range', { days: WINDOW_DAYS[resolution] })}
        </Text>
      </Group>
      <Card withBorder>
        {series.error && <Text c="red">{t('app.error', { message: series.error.message })}</Text>}
        {series.data && data.xs.length === 0 && <Text c="dimmed">{t('meters.noData')}</Text>}
        {data.xs.length > 0 && <SeriesChart xs={data.xs} ys={data.ys} label={series.data!.channel} unit={series.data!.unit} />}
      </Card>
    </Stack>
  );
}
