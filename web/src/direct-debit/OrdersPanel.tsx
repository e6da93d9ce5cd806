/**
 * Direct debit orders, newest first, a page at a time (the API pages by id, `?before=`): filtered by status (the
 * clerk's queue of requests waiting for the bank, say) or by one subscriber's number. Each opens on its own page.
 */
import { useState } from 'react';
import { Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ORDER_STATUSES, type DirectDebitOrder } from '../api/direct-debit.ts';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { KeysetPager } from '../ui/Pager.tsx';
import { formatTime } from '../turkish.ts';

const PAGE = 20;
export const ORDER_COLOR = { requested: 'blue.9', approved: 'indigo.9', active: 'green.9', cancelled: 'gray.8' } as const;

export function OrdersPanel() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<string | null>(null);
  const [subscription, setSubscription] = useState('');
  const [applied, setApplied] = useState({ status: null as string | null, subscription: '' });
  const [cursors, setCursors] = useState<Array<number | null>>([null]);
  const page = cursors.length - 1;
  const q = useQuery({
    queryKey: ['dd-orders', applied, cursors[page]],
    queryFn: () => {
      const qs = new URLSearchParams({ limit: String(PAGE) });
      if (applied.status) qs.set('status', applied.status);
      if (applied.subscription) qs.set('subscriptionId', applied.subscription);
      if (cursors[page]) qs.set('before', String(cursors[page]));
      return api<{ items: DirectDebitOrder[]; next: number | null }>(`/api/v1/direct-debit/orders?${qs}`);
    },
    placeholderData: keepPreviousData,
  });
  const items = q.data?.items ?? [];
  const onPage = (p: number) => setCursors((c) => (p < page ? c.slice(0, p + 1) : [...c, q.data?.next ?? null]));
  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    setApplied({ status, subscription: subscription.trim() });
    setCursors([null]);
  };
  return (
    <Card withBorder component="section" aria-labelledby="dd-orders-title">
      <Stack>
        <Title order={2} size="h4" id="dd-orders-title">
          {t('directDebit.ordersTitle')}
        </Title>
        <form onSubmit={apply} aria-label={t('directDebit.filters')}>
          <Group align="end">
            <Select
              label={t('directDebit.status')}
              data={[{ value: '', label: t('directDebit.allStatuses') }, ...ORDER_STATUSES.map((s) => ({ value: s, label: t(`ddStatus.${s}`) }))]}
              value={status ?? ''}
              onChange={(v) => setStatus(v || null)}
              allowDeselect={false}
            />
            <TextInput label={t('directDebit.subscription')} value={subscription} onChange={(e) => setSubscription(e.currentTarget.value)} maxLength={64} />
            <Button type="submit">{t('directDebit.apply')}</Button>
          </Group>
        </form>
        <ErrorText error={q.error} />
        <Table data-testid="dd-orders">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('directDebit.order')}</Table.Th>
              <Table.Th>{t('directDebit.subscription')}</Table.Th>
              <Table.Th>{t('directDebit.bank')}</Table.Th>
              <Table.Th>{t('directDebit.payerIban')}</Table.Th>
              <Table.Th>{t('directDebit.status')}</Table.Th>
              <Table.Th>{t('directDebit.requestedAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((o) => (
              <Table.Tr key={o.id} data-id={o.id}>
                <Table.Td>
                  <Link to={`/direct-debit/orders/${o.id}`}>{t('directDebit.orderN', { id: o.id })}</Link>
                </Table.Td>
                <Table.Td>{o.subscriptionId}</Table.Td>
                <Table.Td>{o.bank}</Table.Td>
                <Table.Td>{o.payerIban}</Table.Td>
                <Table.Td>
                  <Badge color={ORDER_COLOR[o.status]}>{t(`ddStatus.${o.status}`)}</Badge>
                </Table.Td>
                <Table.Td>{formatTime(o.requestedAt, i18n.language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {q.isSuccess && !items.length && <Text c="dimmed">{t('directDebit.noOrders')}</Text>}
        <KeysetPager page={page} full={q.data?.next != null} onPage={onPage} label={t('directDebit.orderPages')} />
      </Stack>
    </Card>
  );
}
