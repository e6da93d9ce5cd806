/** One statement import, to come back to: its totals and every line with what became of it, a page at a time. */
import { useState } from 'react';
import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { StatementImport } from '../api/statements.ts';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { Pager, pageOf } from '../ui/Pager.tsx';
import { formatMoney } from '../money.ts';
import { reasonText } from './reason-text.ts';

const PAGE = 50;
const OUTCOME_COLOR = { matched: 'green.9', suspense: 'orange.9', refused: 'red.9', duplicate: 'gray.8' } as const;

export function StatementScreen({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(0);
  const q = useQuery({ queryKey: ['statements', 'one', id], queryFn: () => api<StatementImport>(`/api/v1/statements/${id}`) });
  const s = q.data;
  const m = (v: string | null) => (v === null ? '—' : formatMoney(v, i18n.language));
  return (
    <Stack>
      <Group>
        <Link to="/statements">{t('statements.back')}</Link>
      </Group>
      <Title order={1} size="h2">
        {t('statements.importN', { id: s?.statementId ?? id })}
      </Title>
      <ErrorText error={q.error} />
      {s && (
        <Card withBorder>
          <Stack>
            <Text size="sm">{t('statements.account', { iban: s.accountIban, format: s.format === 'camt053' ? 'CAMT.053' : 'CSV' })}</Text>
            <Text data-testid="statement-totals">
              {t('statements.brought', { matched: m(s.totals.matched), matchedLines: s.totals.matchedLines, suspense: m(s.totals.suspense), suspenseLines: s.totals.suspenseLines, refusedLines: s.totals.refusedLines })}
            </Text>
            <Table data-testid="statement-lines">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('statements.line')}</Table.Th>
                  <Table.Th>{t('statements.bookingDate')}</Table.Th>
                  <Table.Th>{t('statements.reference')}</Table.Th>
                  <Table.Th ta="right">{t('statements.amount')}</Table.Th>
                  <Table.Th>{t('statements.outcome')}</Table.Th>
                  <Table.Th>{t('statements.detail')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {pageOf(s.lines, page, PAGE).map((l) => (
                  <Table.Tr key={l.lineNo}>
                    <Table.Td>{l.lineNo}</Table.Td>
                    <Table.Td>{l.bookingDate ?? '—'}</Table.Td>
                    <Table.Td>{l.reference}</Table.Td>
                    <Table.Td ta="right">{m(l.amount)}</Table.Td>
                    <Table.Td>
                      <Badge color={OUTCOME_COLOR[l.outcome]}>{t(`statementOutcome.${l.outcome}`)}</Badge>
                    </Table.Td>
                    <Table.Td>{l.outcome === 'matched' ? t(`statementMatchedBy.${l.matchedBy}`) : reasonText(i18n, l)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Pager page={page} pages={Math.ceil(s.lines.length / PAGE)} onPage={setPage} label={t('statements.linePages')} />
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
