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
import { compareTr, formatTime } from '../turkish.ts';

interface Latest {
  channels: Array<{ channel: string; ts: string }>;
}

/** How far back each resolution looks: enough buckets to read a shape, few enough to stay light. */
const WINDOW_DAYS: Record<Resolution, number> = { raw: 2, hour: 14, day: 90, month: 730 };

export function MeterScreen({ serial }: { serial: string }) {
  const { t, i18n } = useTranslation();
  const meter = useQuery({ queryKey: ['meter', serial], queryFn: () => api<MeterDetail>(`/api/v1/meters/${encodeURIComponent(serial)}`) });
  const [channel, setChannel] = useState<string | null>(null);
  const [resolution, setResolution] = useState<Resolution>('hour');
  const chosen = channel ?? meter.data?.channels[0]?.code ?? null;

  // The window ends at the channel's newest reading, not at the clock: a meter that reports daily, or a replayed
  // history, still shows its last days instead of an empty chart.
  const latest = useQuery({ queryKey: ['latest', serial], queryFn: () => api<Latest>(`/api/v1/meters/${encodeURIComponent(serial)}/latest`) });
  const newest = latest.data?.channels.find((c) => c.channel === chosen)?.ts;
  const series = useQuery({
    queryKey: ['series', serial, chosen, resolution, newest],
    enabled: !!chosen && !latest.isPending,
    queryFn: () => {
      const to = newest ? new Date(Date.parse(newest) + 1) : new Date();
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
          data={(meter.data?.channels ?? []).map((c) => ({ value: c.code, label: `${c.code} (${c.unit})` })).sort((a, b) => compareTr(a.label, b.label))}
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
          {newest && ` · ${t('meters.newest', { at: formatTime(newest, i18n.language) })}`}
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
