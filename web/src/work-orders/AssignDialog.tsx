/**
 * Assign or reassign an order: to a named crew of its region (with its current load and capacity shown), or by the
 * routing rule. A reassignment needs a reason (the server says so too); the trail keeps it.
 */
import { useState } from 'react';
import { Button, Group, Modal, Select, Stack, Textarea } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Crew, WorkOrder } from '../api/domain.ts';
import { ErrorText } from '../ui/ErrorText.tsx';
import { compareTr } from '../turkish.ts';
import { useAction } from '../ui/useAction.ts';

export function AssignDialog({ order, onClose, onDone }: { order: WorkOrder; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const reassigning = order.crew !== null;
  const crews = useQuery({
    queryKey: ['crews', order.region],
    queryFn: () => api<{ items: Crew[] }>(`/api/v1/crews${order.region ? `?region=${encodeURIComponent(order.region)}` : ''}`),
  });
  const [crew, setCrew] = useState<string>('');
  const [reason, setReason] = useState('');
  const { busy, error, act } = useAction();

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    await act(async () => {
      await api(`/api/v1/work-orders/${order.id}/assignment`, { method: 'POST', body: { ...(crew && { crew }), ...(reason.trim() && { reason: reason.trim() }) } });
      onDone();
    });
  };

  const options = (crews.data?.items ?? [])
    .filter((c) => c.active && c.code !== order.crew)
    .sort((a, b) => compareTr(a.name, b.name))
    .map((c) => ({ value: c.code, label: t('assign.crewOption', { name: c.name, code: c.code, load: c.load, capacity: c.capacity }) }));

  return (
    <Modal opened onClose={onClose} title={t(reassigning ? 'assign.titleReassign' : 'assign.title', { id: order.id })}>
      <form onSubmit={submit}>
        <Stack>
          <Select label={t('assign.crew')} data={[{ value: '', label: t('assign.byRule') }, ...options]} value={crew} onChange={(v) => setCrew(v ?? '')} allowDeselect={false} data-autofocus />
          {reassigning && <Textarea label={t('assign.reason')} required value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={500} />}
          <ErrorText error={error ?? crews.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t(reassigning ? 'workOrders.reassign' : 'workOrders.assign')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
