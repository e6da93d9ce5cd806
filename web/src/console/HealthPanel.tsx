/** Database and broker health from `/health`, and the ingest rate from `/metrics`, refreshed every few seconds. */
import { useRef } from 'react';
import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Health } from '../api/types.ts';
import { counterValue, ratePerSecond, type Sample } from './metrics.ts';
import { formatNumber } from '../turkish.ts';

const REFRESH_MS = 5_000;

export function HealthPanel() {
  const { t, i18n } = useTranslation();
  // /health answers 503 with the same body when the database is down: read it either way.
  const health = useQuery({ queryKey: ['health'], queryFn: async () => (await fetch('/health')).json() as Promise<Health>, refetchInterval: REFRESH_MS });
  const last = useRef<Sample | undefined>(undefined);
  const rate = useQuery({
    queryKey: ['ingest-rate'],
    queryFn: async () => {
      const value = counterValue(await (await fetch('/metrics')).text(), 'abone_ingest_readings_written_total');
      if (value === null) return null;
      const sample = { at: Date.now(), value };
      const r = ratePerSecond(last.current, sample);
      last.current = sample;
      return r;
    },
    refetchInterval: REFRESH_MS,
  });

  const h = health.data;
  const up = (ok: boolean | undefined) => (
    <Badge color={ok ? 'green' : 'red'}>
      {ok ? t('health.ok') : t('health.down')}
    </Badge>
  );
  return (
    <Card withBorder component="section" aria-labelledby="health-title">
      <Title order={2} size="h4" id="health-title" mb="sm">
        {t('health.title')}
      </Title>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label={t('health.database')}>
          <Group gap={4}>
            {up(h?.database.ok)}
            {h?.database.latencyMs !== undefined && <Text size="sm">{t('health.latency', { ms: h.database.latencyMs })}</Text>}
          </Group>
        </Stat>
        <Stat label={t('health.broker')}>{h && (h.broker.mode === 'none' ? <Badge color="gray">{t('health.none')}</Badge> : up(h.broker.connected))}</Stat>
        <Stat label={t('health.ingestRate')}>
          <Text fw={600} data-testid="ingest-rate">
            {typeof rate.data === 'number' ? t('health.perSecond', { rate: formatNumber(rate.data, i18n.language, 1) }) : '—'}
          </Text>
        </Stat>
        <Stat label={t('health.written')}>
          <Text fw={600}>{h?.ingest ? formatNumber(h.ingest.readingsWritten, i18n.language) : '—'}</Text>
        </Stat>
      </SimpleGrid>
    </Card>
  );
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase">
        {label}
      </Text>
      {children}
    </Stack>
  );
}
