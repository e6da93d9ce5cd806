/**
 * Bills held for review (outsorted: a consumption far from the usual, an estimate, a missing tariff), oldest first,
 * a page at a time (the API pages by id, `afterId`). A clerk with billing.run releases one as rated.
 */
import { useState } from 'react';
import { Button, Card, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Accrual } from '../api/domain.ts';
import { useCan } from '../auth/session.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { KeysetPager } from '../ui/Pager.tsx';
import { formatMoney } from '../money.ts';

const PAGE = 20;

export function OutsortedList({ runId }: { runId?: number }) {
  const { t, i18n } = useTranslation();
  const canRelease = useCan('billing.run');
  const queryClient = useQueryClient();
  const [cursors, setCursors] = useState<number[]>([0]);
  const [page, setPage] = useState(0);
  const [released, setReleased] = useState<Record<number, boolean>>({});
  const [error, setError] = useState<unknown>(null);
  const q = useQuery({
    queryKey: ['outsorted', runId, cursors[page]],
    queryFn: () => api<{ items: Accrual[] }>(`/api/v1/accruals/outsorted?limit=${PAGE}&afterId=${cursors[page]}${runId ? `&runId=${runId}` : ''}`),
    placeholderData: keepPreviousData,
  });
  const items = q.data?.items ?? [];
  const goTo = (p: number) => {
    if (p > page && items.length) setCursors((c) => [...c.slice(0, p), items[items.length - 1].id]);
    setPage(p);
  };
  const release = async (id: number) => {
    setError(null);
    try {
      await api(`/api/v1/accruals/${id}/release`, { method: 'POST', body: {} });
      setReleased((r) => ({ ...r, [id]: true }));
      // The runs' "held for review" counts go down by the bill just posted.
      void queryClient.invalidateQueries({ queryKey: ['bill-runs'] });
      void queryClient.invalidateQueries({ queryKey: ['bill-run'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card withBorder component="section" aria-labelledby="outsorted-title">
      <Stack>
        <Title order={2} size="h4" id="outsorted-title">
          {t('billing.outsortedTitle')}
        </Title>
        <ErrorText error={error ?? q.error} />
        <Table data-testid="outsorted">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('billing.bill')}</Table.Th>
              <Table.Th>{t('subscribers.contract')}</Table.Th>
              <Table.Th>{t('billing.period')}</Table.Th>
              <Table.Th>{t('billing.consumption')}</Table.Th>
              <Table.Th ta="right">{t('billing.gross')}</Table.Th>
              <Table.Th>{t('billing.reason')}</Table.Th>
              {canRelease && <Table.Th>{t('workOrders.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>{a.id}</Table.Td>
                <Table.Td>{a.subscriptionId}</Table.Td>
                <Table.Td>{a.period}</Table.Td>
                <Table.Td>{a.consumption ?? '—'}</Table.Td>
                <Table.Td ta="right">{a.gross ? formatMoney(a.gross, i18n.language) : '—'}</Table.Td>
                <Table.Td>
                  {t(`outsortReason.${a.outsortReason}`, { defaultValue: a.outsortReason ?? '' })}
                  {a.outsortDetail && (
                    <Text size="xs" c="dimmed">
                      {a.outsortDetail}
                    </Text>
                  )}
                </Table.Td>
                {canRelease && (
                  <Table.Td>
                    {released[a.id] ? (
                      <Text size="sm">{t('billing.released')}</Text>
                    ) : (
                      <Button size="compact-sm" variant="default" onClick={() => void release(a.id)} aria-label={t('billing.releaseN', { id: a.id })}>
                        {t('billing.release')}
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {q.isSuccess && !items.length && <Text c="dimmed">{t('billing.noOutsorted')}</Text>}
        <KeysetPager page={page} full={items.length === PAGE} onPage={goTo} label={t('billing.outsortedPages')} />
      </Stack>
    </Card>
  );
}
