/** The statement imports, latest first, a page at a time: what each brought, who took it in, a link to its lines. */
import { useState } from 'react';
import { Card, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { StatementSummary } from '../api/statements.ts';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { KeysetPager } from '../ui/Pager.tsx';
import { formatMoney } from '../money.ts';
import { formatTime } from '../turkish.ts';

const PAGE = 20;

export function ImportsList() {
  const { t, i18n } = useTranslation();
  const [cursors, setCursors] = useState<Array<number | null>>([null]);
  const page = cursors.length - 1;
  const list = useQuery({
    queryKey: ['statements', cursors[page]],
    queryFn: () => api<{ items: StatementSummary[]; next: number | null }>(`/api/v1/statements?limit=${PAGE}${cursors[page] ? `&before=${cursors[page]}` : ''}`),
    placeholderData: keepPreviousData,
  });
  const items = list.data?.items ?? [];
  const onPage = (p: number) => setCursors((c) => (p < page ? c.slice(0, p + 1) : [...c, list.data?.next ?? null]));
  const m = (s: string) => formatMoney(s, i18n.language);
  return (
    <Card withBorder component="section" aria-labelledby="imports-title">
      <Stack>
        <Title order={2} size="h4" id="imports-title">
          {t('statements.importsTitle')}
        </Title>
        <ErrorText error={list.error} />
        <Table data-testid="statements">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('statements.statementId')}</Table.Th>
              <Table.Th>{t('statements.accountIban')}</Table.Th>
              <Table.Th>{t('statements.importedAt')}</Table.Th>
              <Table.Th ta="right">{t('statements.matched')}</Table.Th>
              <Table.Th ta="right">{t('statements.suspense')}</Table.Th>
              <Table.Th ta="right">{t('statements.refused')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((s) => (
              <Table.Tr key={s.id} data-id={s.id}>
                <Table.Td>
                  <Link to={`/statements/${s.id}`}>{s.statementId}</Link>
                </Table.Td>
                <Table.Td>{s.accountIban}</Table.Td>
                <Table.Td>
                  {formatTime(s.importedAt, i18n.language)} · {s.actor}
                </Table.Td>
                <Table.Td ta="right">{t('statements.amountLines', { amount: m(s.totals.matched), lines: s.totals.matchedLines })}</Table.Td>
                <Table.Td ta="right">{t('statements.amountLines', { amount: m(s.totals.suspense), lines: s.totals.suspenseLines })}</Table.Td>
                <Table.Td ta="right">{s.totals.refusedLines}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {list.isSuccess && !items.length && <Text c="dimmed">{t('statements.none')}</Text>}
        <KeysetPager page={page} full={list.data?.next != null} onPage={onPage} label={t('statements.importPages')} />
      </Stack>
    </Card>
  );
}
