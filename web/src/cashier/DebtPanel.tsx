/**
 * What a subscriber owes at the desk today: each open item in settling order with its due date, the late fee paying
 * it today would add and what it costs, and the totals. The cashier may tick the items the subscriber wants to pay
 * (a chosen bill); with none ticked the payment settles the oldest first. The payment form sits under the list.
 */
import { useState } from 'react';
import { Card, Checkbox, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Debt, Drawer } from '../api/collections.ts';
import { ErrorText } from '../ui/ErrorText.tsx';
import { formatMoney } from '../money.ts';
import { PaymentForm } from './PaymentForm.tsx';
import { PaymentsList } from './PaymentsList.tsx';

export function DebtPanel({ subscriptionId, label, drawer }: { subscriptionId: string; label: string; drawer: Drawer | null }) {
  const { t, i18n } = useTranslation();
  const debt = useQuery({ queryKey: ['debt', subscriptionId], queryFn: () => api<Debt>(`/api/v1/collections/debt?subscriptionId=${encodeURIComponent(subscriptionId)}`) });
  const [chosen, setChosen] = useState<number[]>([]);
  const m = (s: string) => formatMoney(s, i18n.language);
  const items = debt.data?.items ?? [];
  const toggle = (id: number, on: boolean) => setChosen((c) => (on ? [...c, id] : c.filter((x) => x !== id)));
  return (
    <Stack>
      <Card withBorder component="section" aria-labelledby="debt-title">
        <Stack>
          <Title order={2} size="h4" id="debt-title">
            {t('cashier.debtTitle', { who: label })}
          </Title>
          <ErrorText error={debt.error} />
          {debt.data && (
            <Text size="sm" c="dimmed">
              {t('cashier.asOf', { date: debt.data.asOf })}
            </Text>
          )}
          {debt.isSuccess && !items.length && <Text>{t('cashier.noDebt')}</Text>}
          {items.length > 0 && (
            <Table data-testid="debt">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('cashier.pick')}</Table.Th>
                  <Table.Th>{t('account.kind')}</Table.Th>
                  <Table.Th>{t('account.period')}</Table.Th>
                  <Table.Th>{t('account.due')}</Table.Th>
                  <Table.Th ta="right">{t('account.open')}</Table.Th>
                  <Table.Th ta="right">{t('cashier.lateFee')}</Table.Th>
                  <Table.Th ta="right">{t('cashier.payable')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((i) => (
                  <Table.Tr key={i.itemId} data-item-id={i.itemId}>
                    <Table.Td>
                      <Checkbox
                        checked={chosen.includes(i.itemId)}
                        onChange={(e) => toggle(i.itemId, e.currentTarget.checked)}
                        aria-label={t('cashier.pickItem', { kind: t(`entryKind.${i.kind}`, { defaultValue: i.kind }), due: i.dueDate })}
                      />
                    </Table.Td>
                    <Table.Td>{t(`entryKind.${i.kind}`, { defaultValue: i.kind })}</Table.Td>
                    <Table.Td>{i.period ?? '—'}</Table.Td>
                    <Table.Td>{i.dueDate}</Table.Td>
                    <Table.Td ta="right">{m(i.open)}</Table.Td>
                    <Table.Td ta="right">{m(i.lateFee)}</Table.Td>
                    <Table.Td ta="right">{m(i.payable)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
              <Table.Tfoot>
                <Table.Tr>
                  <Table.Th colSpan={4}>{t('cashier.total')}</Table.Th>
                  <Table.Th ta="right" data-testid="total-open">{m(debt.data!.totalOpen)}</Table.Th>
                  <Table.Th ta="right" data-testid="total-late-fee">{m(debt.data!.totalLateFee)}</Table.Th>
                  <Table.Th ta="right" data-testid="total-payable">{m(debt.data!.totalPayable)}</Table.Th>
                </Table.Tr>
              </Table.Tfoot>
            </Table>
          )}
          {debt.data && <PaymentForm key={subscriptionId} debt={debt.data} chosen={chosen} drawer={drawer} onTaken={() => setChosen([])} />}
        </Stack>
      </Card>
      <PaymentsList of={{ subscriptionId }} />
    </Stack>
  );
}
