/** One direct debit order: who pays from which (masked) IBAN at which bank, where it stands, every step it took. */
import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { DirectDebitOrder } from '../api/direct-debit.ts';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { formatTime } from '../turkish.ts';
import { ORDER_COLOR } from './OrdersPanel.tsx';
import { OrderActions } from './OrderActions.tsx';

export function OrderScreen({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const q = useQuery({ queryKey: ['dd-orders', 'one', id], queryFn: () => api<DirectDebitOrder>(`/api/v1/direct-debit/orders/${id}`) });
  const o = q.data;
  return (
    <Stack>
      <Group>
        <Link to="/direct-debit">{t('directDebit.back')}</Link>
      </Group>
      <Title order={1} size="h2">
        {t('directDebit.orderN', { id })}
      </Title>
      <ErrorText error={q.error} />
      {o && (
        <Card withBorder>
          <Stack>
            <Group data-testid="dd-order">
              <Badge color={ORDER_COLOR[o.status]} data-testid="dd-order-status">
                {t(`ddStatus.${o.status}`)}
              </Badge>
              <Text>
                {t('directDebit.subscription')}: {o.subscriptionId} · {t('directDebit.bank')}: {o.bank} · {t('directDebit.payerIban')}: {o.payerIban}
              </Text>
              {o.bankReference && (
                <Text>
                  {t('directDebit.bankReference')}: {o.bankReference}
                </Text>
              )}
              {o.cancelReason && (
                <Text>
                  {t('directDebit.cancelReason')}: {o.cancelReason}
                </Text>
              )}
            </Group>
            <OrderActions order={o} />
            <Title order={2} size="h4">
              {t('directDebit.history')}
            </Title>
            <Table data-testid="dd-order-history">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('directDebit.step')}</Table.Th>
                  <Table.Th>{t('directDebit.detail')}</Table.Th>
                  <Table.Th>{t('directDebit.actor')}</Table.Th>
                  <Table.Th>{t('directDebit.at')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {o.events.map((e, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{t(`ddStatus.${e.status}`, { defaultValue: e.status })}</Table.Td>
                    <Table.Td>{e.detail ?? '—'}</Table.Td>
                    <Table.Td>{e.actor}</Table.Td>
                    <Table.Td>{formatTime(e.at, i18n.language)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
