/**
 * The supervisor's daily close: every drawer opened on a day (at one office or all), open or closed, with what it
 * should hold, what was counted and the difference; a drawer's payments open below it, where a same-day desk payment
 * can be cancelled. Shown to those who may cancel (`collections.cancel`); the server checks it anyway.
 */
import { useState } from 'react';
import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { DailyReport } from '../api/collections.ts';
import { ErrorText } from '../ui/ErrorText.tsx';
import { formatMoney } from '../money.ts';
import { businessToday } from '../turkish.ts';
import { PaymentsList } from './PaymentsList.tsx';

export function DailyClosePanel() {
  const { t, i18n } = useTranslation();
  const [date, setDate] = useState(businessToday);
  const [office, setOffice] = useState('');
  const [asked, setAsked] = useState({ date: businessToday(), office: '' });
  const [drawerId, setDrawerId] = useState<number | null>(null);
  const report = useQuery({
    queryKey: ['drawer', 'daily', asked],
    queryFn: () => api<DailyReport>(`/api/v1/collections/reports/daily?date=${asked.date}${asked.office ? `&office=${encodeURIComponent(asked.office)}` : ''}`),
    placeholderData: keepPreviousData,
  });
  const m = (s: string | null) => (s === null ? '—' : formatMoney(s, i18n.language));
  const drawers = report.data?.drawers ?? [];
  return (
    <Stack>
      <Card withBorder component="section" aria-labelledby="daily-title">
        <Stack>
          <Title order={2} size="h4" id="daily-title">
            {t('cashier.daily')}
          </Title>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setDrawerId(null);
              setAsked({ date, office: office.trim().toLocaleUpperCase('tr-TR') });
            }}
          >
            <Group align="end">
              <TextInput type="date" label={t('cashier.date')} value={date} onChange={(e) => setDate(e.currentTarget.value)} required />
              <TextInput label={t('cashier.officeFilter')} placeholder={t('cashier.officeHint')} value={office} onChange={(e) => setOffice(e.currentTarget.value)} />
              <Button type="submit" variant="default">
                {t('cashier.show')}
              </Button>
            </Group>
          </form>
          <ErrorText error={report.error} />
          <Table data-testid="daily-drawers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('cashier.drawer')}</Table.Th>
                <Table.Th>{t('cashier.office')}</Table.Th>
                <Table.Th>{t('cashier.cashierName')}</Table.Th>
                <Table.Th ta="right">{t('cashier.expectedCash')}</Table.Th>
                <Table.Th ta="right">{t('cashier.counted')}</Table.Th>
                <Table.Th ta="right">{t('cashier.difference')}</Table.Th>
                <Table.Th>{t('cashier.state')}</Table.Th>
                <Table.Th>{t('workOrders.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {drawers.map((d) => (
                <Table.Tr key={d.drawerId} data-drawer-id={d.drawerId}>
                  <Table.Td>{t('cashier.drawerN', { id: d.drawerId })}</Table.Td>
                  <Table.Td>{d.office}</Table.Td>
                  <Table.Td>{d.cashier}</Table.Td>
                  <Table.Td ta="right">{m(d.expectedCash)}</Table.Td>
                  <Table.Td ta="right">{m(d.countedCash)}</Table.Td>
                  <Table.Td ta="right">{m(d.difference)}</Table.Td>
                  <Table.Td>{d.closedAt ? <Badge color="gray.8">{t('cashier.closed')}</Badge> : <Badge color="green.9">{t('cashier.open')}</Badge>}</Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" variant="default" onClick={() => setDrawerId(d.drawerId)} aria-label={t('cashier.showPayments', { id: d.drawerId })}>
                      {t('cashier.paymentsShort')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {report.isSuccess && !drawers.length && <Text c="dimmed">{t('cashier.noDrawers')}</Text>}
        </Stack>
      </Card>
      {drawerId !== null && <PaymentsList key={drawerId} of={{ drawerId }} />}
    </Stack>
  );
}
