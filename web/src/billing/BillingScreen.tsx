/**
 * Billing: tariffs with their versions, bill runs (start one, watch it, come back to it), the bills held for review,
 * and invoice PDFs. A run works on in the server whether or not anyone watches: the list shows which runs are still
 * running, and opening one (its own URL, /billing/runs/:id) picks up its progress where it is.
 */
import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Progress, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { BillRun, Tariff } from '../api/domain.ts';
import { Can } from '../auth/session.tsx';
import { Link, navigate } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { formatTime } from '../turkish.ts';
import { OutsortedList } from './OutsortedList.tsx';
import { compareTr } from '../turkish.ts';
import { useAction } from '../ui/useAction.ts';

export function BillingScreen() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('billing.title')}
      </Title>
      <Runs />
      <OutsortedList />
      <Tariffs />
      <InvoiceLookup />
    </Stack>
  );
}

/** Last month, as YYYY-MM: what a bill run is usually started for. */
function lastMonth(): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
}

export const runPercent = (r: BillRun) => (r.finishedAt ? 100 : r.shards.total ? Math.floor((100 * r.shards.done) / r.shards.total) : 0);

function Runs() {
  const { t, i18n } = useTranslation();
  // While a run is unfinished the list polls, so a clerk who came back sees it move.
  const runs = useQuery({
    queryKey: ['bill-runs'],
    queryFn: () => api<{ items: BillRun[] }>('/api/v1/bill-runs'),
    refetchInterval: (q) => (q.state.data?.items.some((r) => !r.finishedAt) ? 2000 : false),
  });
  const [period, setPeriod] = useState(lastMonth);
  const [region, setRegion] = useState('');
  const { busy, error, act } = useAction();
  const start = async (e: React.FormEvent) => {
    e.preventDefault();
    await act(async () => {
      const run = await api<BillRun>('/api/v1/bill-runs', { method: 'POST', body: { period, ...(region.trim() && { region: region.trim() }) } });
      navigate(`/billing/runs/${run.id}`);
    });
  };
  const items = runs.data?.items ?? [];
  return (
    <Card withBorder component="section" aria-labelledby="runs-title">
      <Stack>
        <Title order={2} size="h4" id="runs-title">
          {t('billing.runs')}
        </Title>
        <Can permission="billing.run">
          <form onSubmit={start} aria-label={t('billing.startRun')}>
            <Group align="end">
              <TextInput label={t('billing.period')} description={t('billing.periodHint')} value={period} onChange={(e) => setPeriod(e.currentTarget.value)} required pattern="\d{4}-(0[1-9]|1[0-2])" />
              <TextInput label={t('billing.region')} description={t('billing.regionHint')} value={region} onChange={(e) => setRegion(e.currentTarget.value)} />
              <Button type="submit" loading={busy}>
                {t('billing.startRun')}
              </Button>
            </Group>
          </form>
        </Can>
        <ErrorText error={error ?? runs.error} />
        <Table data-testid="runs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('billing.run')}</Table.Th>
              <Table.Th>{t('billing.period')}</Table.Th>
              <Table.Th>{t('billing.started')}</Table.Th>
              <Table.Th>{t('billing.progress')}</Table.Th>
              <Table.Th>{t('billing.bills')}</Table.Th>
              <Table.Th>{t('billing.state')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((r) => (
              <Table.Tr key={r.id} data-id={r.id}>
                <Table.Td>
                  <Link to={`/billing/runs/${r.id}`}>{t('billing.runN', { id: r.id })}</Link>
                </Table.Td>
                <Table.Td>
                  {r.period}
                  {r.region ? ` · ${r.region}` : ''}
                </Table.Td>
                <Table.Td>{formatTime(r.createdAt, i18n.language)}</Table.Td>
                <Table.Td miw={140}>
                  <Progress value={runPercent(r)} aria-label={t('billing.progressOf', { id: r.id })} />
                </Table.Td>
                <Table.Td>{t('billing.billCounts', { bills: r.bills, outsorted: r.awaitingReview, errors: r.errors })}</Table.Td>
                <Table.Td>
                  <Badge color={r.finishedAt ? 'green' : 'blue'}>{r.finishedAt ? t('billing.finished') : t('billing.running')}</Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {runs.isSuccess && !items.length && <Text c="dimmed">{t('billing.noRuns')}</Text>}
        <Text size="xs" c="dimmed">
          {t('billing.runsNote')}
        </Text>
      </Stack>
    </Card>
  );
}

function Tariffs() {
  const { t } = useTranslation();
  const tariffs = useQuery({ queryKey: ['tariffs'], queryFn: () => api<{ items: Tariff[] }>('/api/v1/tariffs') });
  const items = [...(tariffs.data?.items ?? [])].sort((a, b) => compareTr(a.code, b.code));
  return (
    <Card withBorder component="section" aria-labelledby="tariffs-title">
      <Title order={2} size="h4" id="tariffs-title" mb="xs">
        {t('billing.tariffs')}
      </Title>
      <ErrorText error={tariffs.error} />
      <Table data-testid="tariffs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('billing.code')}</Table.Th>
            <Table.Th>{t('billing.name')}</Table.Th>
            <Table.Th>{t('meters.commodity')}</Table.Th>
            <Table.Th>{t('billing.revision')}</Table.Th>
            <Table.Th>{t('billing.versions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((tf) => (
            <Table.Tr key={tf.code}>
              <Table.Td>{tf.code}</Table.Td>
              <Table.Td>{tf.name ?? '—'}</Table.Td>
              <Table.Td>
                {t(`commodity.${tf.commodity}`, { defaultValue: tf.commodity })} ({tf.unit})
              </Table.Td>
              <Table.Td>{tf.revision}</Table.Td>
              <Table.Td>
                {tf.versions.map((v) => (
                  <div key={v.from}>{v.to ? t('billing.versionRange', v) : t('billing.versionOpen', v)}</div>
                ))}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {tariffs.isSuccess && !items.length && <Text c="dimmed">{t('billing.noTariffs')}</Text>}
    </Card>
  );
}

/** An invoice's PDF by its number (ABN2026000001): the subscriber 360 links the invoiced items directly. */
function InvoiceLookup() {
  const { t } = useTranslation();
  const [number, setNumber] = useState('');
  const valid = /^[A-Z]{3}\d{10}$/.test(number.trim());
  return (
    <Can permission="ledger.read">
      <Card withBorder component="section" aria-labelledby="invoice-title">
        <Title order={2} size="h4" id="invoice-title" mb="xs">
          {t('billing.invoicePdf')}
        </Title>
        <Group align="end">
          <TextInput label={t('billing.invoiceNumber')} description={t('billing.invoiceHint')} value={number} onChange={(e) => setNumber(e.currentTarget.value.toLocaleUpperCase('en'))} />
          {valid && (
            <Anchor href={`/api/v1/invoices/${number.trim()}/pdf`} target="_blank" rel="noopener">
              {t('billing.openPdf')}
            </Anchor>
          )}
        </Group>
      </Card>
    </Can>
  );
}
