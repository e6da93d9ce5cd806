/**
 * A subscriber's payments, or a drawer's (the supervisor's daily close), newest first, a page at a time (keyset): each with its receipt PDF. A supervisor
 * (`collections.cancel`) may cancel a desk payment of today, giving a reason; its items open again and the drawer's
 * expected cash drops by it. Other channels' payments are cancelled by their channel, older ones not at all.
 */
import { useId, useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Modal, Stack, Table, Textarea, Title } from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Payment } from '../api/collections.ts';
import { useCan } from '../auth/session.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { KeysetPager } from '../ui/Pager.tsx';
import { formatMoney } from '../money.ts';
import { businessToday, formatTime } from '../turkish.ts';
import { useAction } from '../ui/useAction.ts';

const PAGE = 10;
/** Whose payments: a subscription's (the desk) or a drawer's (the daily close). */
export type PaymentsOf = { subscriptionId: string } | { drawerId: number };

export function PaymentsList({ of }: { of: PaymentsOf }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const byDrawer = 'drawerId' in of;
  const filter = byDrawer ? `drawerId=${of.drawerId}` : `subscriptionId=${encodeURIComponent(of.subscriptionId)}`;
  const mayCancel = useCan('collections.cancel');
  const [cursors, setCursors] = useState<Array<number | null>>([null]); // the `before` of each page seen
  const page = cursors.length - 1;
  const list = useQuery({
    queryKey: ['desk-payments', filter, cursors[page]],
    queryFn: () => api<{ payments: Payment[]; next: number | null }>(`/api/v1/collections/payments?${filter}&limit=${PAGE}${cursors[page] ? `&before=${cursors[page]}` : ''}`),
    placeholderData: keepPreviousData,
  });
  const [cancelling, setCancelling] = useState<Payment | null>(null);
  const items = list.data?.payments ?? [];
  const onPage = (p: number) => setCursors((c) => (p < page ? c.slice(0, p + 1) : [...c, list.data?.next ?? null]));
  const m = (s: string) => formatMoney(s, i18n.language);
  return (
    <Card withBorder component="section" aria-labelledby={titleId}>
      <Stack>
        <Title order={2} size="h4" id={titleId}>
          {byDrawer ? t('cashier.drawerPayments', { id: of.drawerId }) : t('cashier.payments')}
        </Title>
        <ErrorText error={list.error} />
        <Table data-testid={byDrawer ? 'drawer-payments' : 'desk-payments'}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('cashier.receipt')}</Table.Th>
              {byDrawer && <Table.Th>{t('cashier.number')}</Table.Th>}
              <Table.Th>{t('account.date')}</Table.Th>
              <Table.Th>{t('cashier.method')}</Table.Th>
              <Table.Th ta="right">{t('account.amount')}</Table.Th>
              <Table.Th>{t('subscribers.status')}</Table.Th>
              <Table.Th>{t('workOrders.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((p) => (
              <Table.Tr key={p.id} data-payment-id={p.id}>
                <Table.Td>
                  <Anchor href={`/api/v1/collections/payments/${p.id}/receipt.pdf`} target="_blank" rel="noopener">
                    {p.receiptNo ?? p.id}
                  </Anchor>
                </Table.Td>
                {byDrawer && <Table.Td>{p.subscriptionId}</Table.Td>}
                <Table.Td>{formatTime(p.takenAt, i18n.language)}</Table.Td>
                <Table.Td>{t(`deskMethod.${p.channel}`, { defaultValue: p.channel })}</Table.Td>
                <Table.Td ta="right">{m(p.amount)}</Table.Td>
                <Table.Td>{p.cancelled ? <Badge color="red.9">{t('cashier.cancelled')}</Badge> : <Badge color="green.9">{t('cashier.valid')}</Badge>}</Table.Td>
                <Table.Td>
                  {mayCancel && !p.cancelled && p.source.startsWith('desk:') && p.businessDate === businessToday() && (
                    <Button size="compact-sm" variant="default" color="red" onClick={() => setCancelling(p)} aria-label={t('cashier.cancelN', { receipt: p.receiptNo ?? p.id })}>
                      {t('cashier.cancel')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <KeysetPager page={page} full={list.data?.next != null} onPage={onPage} label={t('cashier.paymentPages')} />
      </Stack>
      {cancelling && <CancelDialog payment={cancelling} onClose={() => setCancelling(null)} />}
    </Card>
  );
}

function CancelDialog({ payment, onClose }: { payment: Payment; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const { busy, error, act } = useAction();
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    await act(async () => {
      await api(`/api/v1/collections/payments/${payment.id}/cancel`, { method: 'POST', body: { reason: reason.trim() } });
      await Promise.all(['desk-payments', 'debt', 'drawer'].map((k) => qc.invalidateQueries({ queryKey: [k] })));
      onClose();
    });
  };
  return (
    <Modal opened onClose={onClose} title={t('cashier.cancelTitle', { receipt: payment.receiptNo ?? payment.id, amount: formatMoney(payment.amount, i18n.language) })}>
      <form onSubmit={submit}>
        <Stack>
          <Textarea label={t('cashier.reason')} required minLength={3} maxLength={500} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus />
          <ErrorText error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" color="red" loading={busy}>
              {t('cashier.confirmCancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
