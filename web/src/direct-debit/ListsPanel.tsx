/**
 * The collection lists, newest first, a page at a time: for each, what it asked of the bank and what the bank's
 * result files brought so far (paid, not paid, still waiting), with a link to its lines, its file and its results.
 */
import { useState } from 'react';
import { Card, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { ListSummary } from '../api/direct-debit.ts';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { KeysetPager } from '../ui/Pager.tsx';
import { formatMoney } from '../money.ts';
import { formatTime } from '../turkish.ts';
import { BuildListForm } from './BuildListForm.tsx';

const PAGE = 20;

export function ListsPanel() {
  const { t, i18n } = useTranslation();
  const [cursors, setCursors] = useState<Array<number | null>>([null]);
  const page = cursors.length - 1;
  const q = useQuery({
    queryKey: ['dd-lists', cursors[page]],
    queryFn: () => api<{ items: ListSummary[]; next: number | null }>(`/api/v1/direct-debit/lists?limit=${PAGE}${cursors[page] ? `&before=${cursors[page]}` : ''}`),
    placeholderData: keepPreviousData,
  });
  const items = q.data?.items ?? [];
  const onPage = (p: number) => setCursors((c) => (p < page ? c.slice(0, p + 1) : [...c, q.data?.next ?? null]));
  const m = (s: string) => formatMoney(s, i18n.language);
  return (
    <Card withBorder component="section" aria-labelledby="dd-lists-title">
      <Stack>
        <Title order={2} size="h4" id="dd-lists-title">
          {t('directDebit.listsTitle')}
        </Title>
        <BuildListForm />
        <ErrorText error={q.error} />
        <Table data-testid="dd-lists">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('directDebit.list')}</Table.Th>
              <Table.Th>{t('directDebit.bank')}</Table.Th>
              <Table.Th>{t('directDebit.dueDate')}</Table.Th>
              <Table.Th>{t('directDebit.createdAt')}</Table.Th>
              <Table.Th ta="right">{t('directDebit.total')}</Table.Th>
              <Table.Th ta="right">{t('directDebit.paid')}</Table.Th>
              <Table.Th ta="right">{t('directDebit.failed')}</Table.Th>
              <Table.Th ta="right">{t('directDebit.waiting')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((l) => (
              <Table.Tr key={l.id} data-id={l.id}>
                <Table.Td>
                  <Link to={`/direct-debit/lists/${l.id}`}>{t('directDebit.listN', { id: l.id })}</Link>
                </Table.Td>
                <Table.Td>{l.bank}</Table.Td>
                <Table.Td>{l.dueDate}</Table.Td>
                <Table.Td>
                  {formatTime(l.createdAt, i18n.language)} · {l.actor}
                </Table.Td>
                <Table.Td ta="right">{t('directDebit.amountLines', { amount: m(l.totals.total), lines: l.totals.lines })}</Table.Td>
                <Table.Td ta="right">{t('directDebit.amountLines', { amount: m(l.totals.paid), lines: l.totals.paidLines })}</Table.Td>
                <Table.Td ta="right">{t('directDebit.amountLines', { amount: m(l.totals.failed), lines: l.totals.failedLines })}</Table.Td>
                <Table.Td ta="right">{t('directDebit.lines', { lines: l.totals.waitingLines })}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {q.isSuccess && !items.length && <Text c="dimmed">{t('directDebit.noLists')}</Text>}
        <KeysetPager page={page} full={q.data?.next != null} onPage={onPage} label={t('directDebit.listPages')} />
      </Stack>
    </Card>
  );
}
