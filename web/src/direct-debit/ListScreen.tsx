/**
 * One collection list: what it asks of the bank and what came back so far (totals from the server, in decimal),
 * the bank's file to download (it carries the IBANs whole, so the server audits each download), the bank's result
 * file to upload, and every line with its result, a page at a time.
 */
import { useState } from 'react';
import { Anchor, Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { CollectionList, ListLine } from '../api/direct-debit.ts';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { Pager, pageOf } from '../ui/Pager.tsx';
import { formatMoney } from '../money.ts';
import { formatTime } from '../turkish.ts';
import { ResultUpload } from './ResultUpload.tsx';

const PAGE = 50;
const OUTCOME_COLOR = { paid: 'green.9', failed: 'red.9', waiting: 'gray.8' } as const;

export function ListScreen({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(0);
  const q = useQuery({ queryKey: ['dd-lists', 'one', id], queryFn: () => api<CollectionList>(`/api/v1/direct-debit/lists/${id}`) });
  const l = q.data;
  const m = (s: string) => formatMoney(s, i18n.language);
  return (
    <Stack>
      <Group>
        <Link to="/direct-debit">{t('directDebit.back')}</Link>
      </Group>
      <Title order={1} size="h2">
        {t('directDebit.listN', { id })}
      </Title>
      <ErrorText error={q.error} />
      {l && (
        <>
          <Card withBorder>
            <Stack gap="xs">
              <Text size="sm">{t('directDebit.listOf', { bank: l.bank, dueDate: l.dueDate, actor: l.actor, at: formatTime(l.createdAt, i18n.language) })}</Text>
              <Group data-testid="dd-list-totals" gap="xl">
                <Total label={t('directDebit.total')} value={t('directDebit.amountLines', { amount: m(l.totals.total), lines: l.totals.lines })} testId="dd-total" />
                <Total label={t('directDebit.paid')} value={t('directDebit.amountLines', { amount: m(l.totals.paid), lines: l.totals.paidLines })} testId="dd-paid" />
                <Total label={t('directDebit.failed')} value={t('directDebit.amountLines', { amount: m(l.totals.failed), lines: l.totals.failedLines })} testId="dd-failed" />
                <Total label={t('directDebit.waiting')} value={t('directDebit.lines', { lines: l.totals.waitingLines })} testId="dd-waiting" />
              </Group>
              <Group>
                {/* A plain link: the browser saves the file the server names; the session cookie goes with it. */}
                <Anchor href={`/api/v1/direct-debit/lists/${l.id}/file.csv`} download>
                  {t('directDebit.download')}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {t('directDebit.downloadHint')}
                </Text>
              </Group>
            </Stack>
          </Card>
          <ResultUpload list={l} />
          <Card withBorder>
            <Stack>
              <Table data-testid="dd-list-lines">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('directDebit.line')}</Table.Th>
                    <Table.Th>{t('directDebit.subscription')}</Table.Th>
                    <Table.Th>{t('directDebit.payerIban')}</Table.Th>
                    <Table.Th ta="right">{t('directDebit.amount')}</Table.Th>
                    <Table.Th>{t('directDebit.result')}</Table.Th>
                    <Table.Th>{t('directDebit.reason')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {pageOf(l.lines, page, PAGE).map((line) => (
                    <LineRow key={line.line} line={line} />
                  ))}
                </Table.Tbody>
              </Table>
              <Pager page={page} pages={Math.ceil(l.lines.length / PAGE)} onPage={setPage} label={t('directDebit.linePages')} />
            </Stack>
          </Card>
        </>
      )}
    </Stack>
  );
}

function Total({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

function LineRow({ line }: { line: ListLine }) {
  const { t, i18n } = useTranslation();
  const outcome = line.result?.outcome ?? 'waiting';
  return (
    <Table.Tr data-line={line.line}>
      <Table.Td>{line.line}</Table.Td>
      <Table.Td>{line.subscriptionId}</Table.Td>
      <Table.Td>{line.payerIban}</Table.Td>
      <Table.Td ta="right">{formatMoney(line.amount, i18n.language)}</Table.Td>
      <Table.Td>
        <Badge color={OUTCOME_COLOR[outcome]}>{t(`ddOutcome.${outcome}`)}</Badge>
      </Table.Td>
      <Table.Td>{line.result?.outcome === 'failed' ? [line.result.reasonCode, line.result.reason].filter(Boolean).join(' · ') : '—'}</Table.Td>
    </Table.Tr>
  );
}
