/**
 * Direct debit (otomatik ödeme) for the collections team: the orders by status or subscriber, each to open with its
 * history and the bank's steps; the due-date collection lists with what the bank has answered so far, a new list
 * made for a bank and a day. Everything here needs `collections.direct_debit`, so the whole screen is one grant.
 */
import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { OrdersPanel } from './OrdersPanel.tsx';
import { ListsPanel } from './ListsPanel.tsx';

export function DirectDebitScreen() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('directDebit.title')}
      </Title>
      <OrdersPanel />
      <ListsPanel />
    </Stack>
  );
}
