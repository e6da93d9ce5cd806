/**
 * The supervisor puts each cashier at an office: from then on that cashier's drawer opens there only (the server
 * refuses another), so an office's daily close holds its own cashiers' money. Moving a cashier is assigning again.
 */
import { useState } from 'react';
import { Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ErrorText } from '../ui/ErrorText.tsx';
import { useAction } from '../ui/useAction.ts';
import { formatTime } from '../turkish.ts';

interface CashierOffice {
  cashier: string;
  office: string;
  assignedBy: string;
  assignedAt: string;
}

export function CashierOffices() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['cashier-offices'], queryFn: () => api<{ items: CashierOffice[] }>('/api/v1/collections/cashier-offices') });
  const [cashier, setCashier] = useState('');
  const [office, setOffice] = useState('');
  const { busy, error, act } = useAction();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api(`/api/v1/collections/cashier-offices/${encodeURIComponent(cashier.trim())}`, { method: 'PUT', body: { office: office.trim().toUpperCase() } });
      setCashier('');
      setOffice('');
      await qc.invalidateQueries({ queryKey: ['cashier-offices'] });
    });
  };
  const items = list.data?.items ?? [];
  return (
    <Card withBorder component="section" aria-labelledby="offices-title">
      <Stack>
        <Title order={2} size="h4" id="offices-title">
          {t('cashier.officesTitle')}
        </Title>
        <ErrorText error={list.error} />
        <Table data-testid="cashier-offices">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('cashier.cashierName')}</Table.Th>
              <Table.Th>{t('cashier.office')}</Table.Th>
              <Table.Th>{t('cashier.assignedBy')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((a) => (
              <Table.Tr key={a.cashier}>
                <Table.Td>{a.cashier}</Table.Td>
                <Table.Td>{a.office}</Table.Td>
                <Table.Td>
                  {a.assignedBy} · {formatTime(a.assignedAt, i18n.language)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {list.isSuccess && !items.length && <Text c="dimmed">{t('cashier.noOffices')}</Text>}
        <form onSubmit={submit}>
          <Group align="end">
            <TextInput label={t('cashier.cashierUser')} value={cashier} onChange={(e) => setCashier(e.currentTarget.value)} required maxLength={200} />
            <TextInput label={t('cashier.office')} placeholder={t('cashier.officeHint')} value={office} onChange={(e) => setOffice(e.currentTarget.value)} required maxLength={32} />
            <Button type="submit" variant="default" loading={busy}>
              {t('cashier.assign')}
            </Button>
          </Group>
          <ErrorText error={error} />
        </form>
      </Stack>
    </Card>
  );
}
