/**
 * One bill run, watched: its progress bar polls `GET /api/v1/bill-runs/:id` every second until the run finishes.
 * The run works in the server; leaving this page changes nothing, and coming back (the run list, or this URL) shows
 * it where it is now.
 */
import { Badge, Card, Group, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { BillRun } from '../api/domain.ts';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { formatNumber, formatTime } from '../turkish.ts';
import { runPercent } from './BillingScreen.tsx';
import { OutsortedList } from './OutsortedList.tsx';

export function RunScreen({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const run = useQuery({
    queryKey: ['bill-run', id],
    queryFn: () => api<BillRun>(`/api/v1/bill-runs/${id}`),
    refetchInterval: (q) => (q.state.data?.finishedAt ? false : 1000),
  });
  const r = run.data;
  const pct = r ? runPercent(r) : 0;
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('billing.runTitle', { id, period: r?.period ?? '' })}
        </Title>
        <Link to="/billing">{t('billing.back')}</Link>
      </Group>
      <ErrorText error={run.error} />
      {r && (
        <Card withBorder>
          <Stack>
            <Group justify="space-between">
              <Badge color={r.finishedAt ? 'green' : 'blue'} data-testid="run-state">
                {r.finishedAt ? t('billing.finished') : t('billing.running')}
              </Badge>
              <Text size="sm">{t('billing.startedAt', { at: formatTime(r.createdAt, i18n.language) })}</Text>
            </Group>
            <Progress value={pct} size="xl" aria-label={t('billing.progressOf', { id })} data-testid="run-progress" data-value={pct} />
            <Text size="sm" role="status">
              {t('billing.shards', { done: n(r.shards.done), total: n(r.shards.total), pct })}
            </Text>
            <SimpleGrid cols={{ base: 2, md: 4 }}>
              <Figure label={t('billing.billsLabel')} value={n(r.bills)} testId="run-bills" />
              <Figure label={t('billing.posted')} value={n(r.posted)} testId="run-posted" />
              <Figure label={t('billing.outsorted')} value={n(r.awaitingReview)} note={t('billing.heldByRun', { n: n(r.outsorted) })} testId="run-outsorted" />
              <Figure label={t('billing.errors')} value={n(r.errors)} testId="run-errors" />
            </SimpleGrid>
            {r.finishedAt && <Text size="sm">{t('billing.finishedAt', { at: formatTime(r.finishedAt, i18n.language) })}</Text>}
          </Stack>
        </Card>
      )}
      {r && r.outsorted > 0 && <OutsortedList runId={id} />}
    </Stack>
  );
}

function Figure({ label, value, note, testId }: { label: string; value: string; note?: string; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
      {note && (
        <Text size="xs" c="dimmed" data-testid={`${testId}-note`}>
          {note}
        </Text>
      )}
    </div>
  );
}
