/**
 * A contract's current account: the statement of the last twelve months (opening, movements, closing balance) and
 * the items still open, with the invoice PDF of each invoiced item. Amounts are the ledger's decimal strings, shown
 * in the UI language without going through floating point.
 */
import { useState } from 'react';
import { Anchor, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { OpenItem, Statement } from '../api/domain.ts';
import { ErrorText } from '../ui/ErrorText.tsx';
import { Pager, pageOf } from '../ui/Pager.tsx';
import { formatMoney } from '../money.ts';

const LINES = 10;

export function AccountPanel({ accountId }: { accountId: number }) {
  const { t, i18n } = useTranslation();
  const from = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  const statement = useQuery({ queryKey: ['statement', accountId, from], queryFn: () => api<Statement>(`/api/v1/accounts/${accountId}/statement?from=${from}`) });
  const open = useQuery({ queryKey: ['open-items', accountId], queryFn: () => api<{ items: OpenItem[] }>(`/api/v1/accounts/${accountId}/open-items`) });
  const [page, setPage] = useState(0);
  const [openPage, setOpenPage] = useState(0);
  const lines = statement.data ? [...statement.data.lines].reverse() : []; // newest first
  const items = open.data?.items ?? [];
  const m = (s: string) => formatMoney(s, i18n.language);

  return (
    <Card withBorder component="section" aria-labelledby="account-title">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4" id="account-title">
            {t('account.title', { id: accountId })}
          </Title>
          {statement.data && (
            <Text fw={700} data-testid="balance">
              {t('account.balance', { amount: m(statement.data.closingBalance) })}
            </Text>
          )}
        </Group>
        <ErrorText error={statement.error ?? open.error} />
        <Title order={3} size="h5">
          {t('account.openItems', { count: items.length })}
        </Title>
        <Table data-testid="open-items">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('account.kind')}</Table.Th>
              <Table.Th>{t('account.period')}</Table.Th>
              <Table.Th>{t('account.due')}</Table.Th>
              <Table.Th ta="right">{t('account.amount')}</Table.Th>
              <Table.Th ta="right">{t('account.open')}</Table.Th>
              <Table.Th>{t('account.invoice')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pageOf(items, openPage, LINES).map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>{t(`entryKind.${i.kind}`, { defaultValue: i.kind })}</Table.Td>
                <Table.Td>{i.period ?? '—'}</Table.Td>
                <Table.Td>{i.dueDate}</Table.Td>
                <Table.Td ta="right">{m(i.amount)}</Table.Td>
                <Table.Td ta="right">{m(i.open)}</Table.Td>
                <Table.Td>
                  {i.invoiceNumber ? (
                    <Anchor href={`/api/v1/invoices/${i.invoiceNumber}/pdf`} target="_blank" rel="noopener">
                      {t('account.pdf', { number: i.invoiceNumber })}
                    </Anchor>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {items.length > LINES && <Pager page={openPage} pages={Math.ceil(items.length / LINES)} onPage={setOpenPage} label={t('account.openPages')} />}
        <Title order={3} size="h5">
          {t('account.statement')}
        </Title>
        <Table data-testid="statement">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('account.date')}</Table.Th>
              <Table.Th>{t('account.kind')}</Table.Th>
              <Table.Th ta="right">{t('account.debit')}</Table.Th>
              <Table.Th ta="right">{t('account.credit')}</Table.Th>
              <Table.Th ta="right">{t('account.running')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pageOf(lines, page, LINES).map((l) => (
              <Table.Tr key={`${l.entryId}-${l.kind}-${l.balance}`}>
                <Table.Td>{l.businessDate}</Table.Td>
                <Table.Td>{t(`entryKind.${l.kind}`, { defaultValue: l.kind })}</Table.Td>
                <Table.Td ta="right">{m(l.debit)}</Table.Td>
                <Table.Td ta="right">{m(l.credit)}</Table.Td>
                <Table.Td ta="right">{m(l.balance)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {statement.data && !lines.length && <Text c="dimmed">{t('account.noMovements')}</Text>}
        {lines.length > LINES && <Pager page={page} pages={Math.ceil(lines.length / LINES)} onPage={setPage} label={t('account.statementPages')} />}
      </Stack>
    </Card>
  );
}
