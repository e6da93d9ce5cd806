/**
 * Money on the bank account that no subscriber could be found for, and why (reason-text.ts), oldest first, a page at a time. A clerk who finds
 * the payer (a phone call, the remittance text) matches it to a subscription: it becomes that subscriber's payment,
 * dated on the booking day. Money that is not ours is marked for refund to the payer's IBAN. Each with a note saying
 * why; two clerks on one item: the second is told it was resolved.
 */
import { useState } from 'react';
import { Button, Card, Group, Modal, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { SuspenseItem } from '../api/statements.ts';
import { ErrorText } from '../ui/ErrorText.tsx';
import { Pager } from '../ui/Pager.tsx';
import { useAction } from '../ui/useAction.ts';
import { formatMoney } from '../money.ts';
import { reasonText } from './reason-text.ts';

const PAGE = 20;

export function SuspenseQueue() {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(0);
  const [acting, setActing] = useState<{ item: SuspenseItem; how: 'match' | 'refund' } | null>(null);
  const list = useQuery({
    queryKey: ['suspense', page],
    queryFn: () => api<{ total: number; items: SuspenseItem[] }>(`/api/v1/suspense?limit=${PAGE}&offset=${page * PAGE}`),
    placeholderData: keepPreviousData,
  });
  const items = list.data?.items ?? [];
  return (
    <Card withBorder component="section" aria-labelledby="suspense-title">
      <Stack>
        <Title order={2} size="h4" id="suspense-title">
          {t('statements.suspenseTitle', { count: list.data?.total ?? 0 })}
        </Title>
        <ErrorText error={list.error} />
        <Table data-testid="suspense">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('statements.bookingDate')}</Table.Th>
              <Table.Th ta="right">{t('statements.amount')}</Table.Th>
              <Table.Th>{t('statements.reference')}</Table.Th>
              <Table.Th>{t('statements.payer')}</Table.Th>
              <Table.Th>{t('statements.remittance')}</Table.Th>
              <Table.Th>{t('statements.reason')}</Table.Th>
              <Table.Th>{t('workOrders.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((s) => (
              <Table.Tr key={s.id} data-id={s.id}>
                <Table.Td>{s.bookingDate}</Table.Td>
                <Table.Td ta="right">{formatMoney(s.amount, i18n.language)}</Table.Td>
                <Table.Td>{s.reference}</Table.Td>
                <Table.Td>
                  {s.payerName ?? '—'}
                  {s.payerIban && (
                    <Text size="xs" c="dimmed">
                      {s.payerIban}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{s.remittance ?? '—'}</Table.Td>
                <Table.Td>{reasonText(i18n, s)}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="compact-sm" variant="default" onClick={() => setActing({ item: s, how: 'match' })} aria-label={t('statements.matchN', { reference: s.reference })}>
                      {t('statements.match')}
                    </Button>
                    <Button size="compact-sm" variant="default" onClick={() => setActing({ item: s, how: 'refund' })} aria-label={t('statements.refundN', { reference: s.reference })}>
                      {t('statements.refund')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {list.isSuccess && !items.length && <Text c="dimmed">{t('statements.noSuspense')}</Text>}
        <Pager page={page} pages={Math.ceil((list.data?.total ?? 0) / PAGE)} onPage={setPage} label={t('statements.suspensePages')} />
      </Stack>
      {acting && <ResolveDialog item={acting.item} how={acting.how} onClose={() => setActing(null)} />}
    </Card>
  );
}

function ResolveDialog({ item, how, onClose }: { item: SuspenseItem; how: 'match' | 'refund'; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [subscriptionId, setSubscriptionId] = useState('');
  const [note, setNote] = useState('');
  const { busy, error, act } = useAction();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const body = how === 'match' ? { subscriptionId: subscriptionId.trim(), note: note.trim() } : { note: note.trim() };
      await api(`/api/v1/suspense/${item.id}/${how}`, { method: 'POST', body });
      await Promise.all(['suspense', 'statements'].map((k) => qc.invalidateQueries({ queryKey: [k] })));
      onClose();
    });
  };
  const amount = formatMoney(item.amount, i18n.language);
  return (
    <Modal opened onClose={onClose} title={t(how === 'match' ? 'statements.matchTitle' : 'statements.refundTitle', { amount, reference: item.reference })}>
      <form onSubmit={submit}>
        <Stack>
          {how === 'match' && <TextInput label={t('cashier.number')} value={subscriptionId} onChange={(e) => setSubscriptionId(e.currentTarget.value)} required maxLength={64} data-autofocus />}
          {how === 'refund' && <Text size="sm">{t('statements.refundTo', { iban: item.payerIban ?? '—' })}</Text>}
          <Textarea label={t('statements.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} required maxLength={500} />
          <ErrorText error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t(how === 'match' ? 'statements.confirmMatch' : 'statements.confirmRefund')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
