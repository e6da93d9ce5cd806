/**
 * The next steps an order can take, and only those: a requested order waits for the bank's approval, an approved
 * one to be activated, and any order not yet cancelled may be cancelled (with the reason). A user without
 * `collections.direct_debit` sees none of them; the server refuses them anyway, and a step out of order too.
 */
import { useState } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { DirectDebitOrder } from '../api/direct-debit.ts';
import { useCan } from '../auth/session.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { useAction } from '../ui/useAction.ts';

type Step = 'approve' | 'activate' | 'cancel';
const NEXT: Record<DirectDebitOrder['status'], Step[]> = { requested: ['approve', 'cancel'], approved: ['activate', 'cancel'], active: ['cancel'], cancelled: [] };

export function OrderActions({ order }: { order: DirectDebitOrder }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const can = useCan('collections.direct_debit');
  const [asking, setAsking] = useState<'approve' | 'cancel' | null>(null);
  const { busy, error, act } = useAction();
  if (!can) return null;
  const steps = NEXT[order.status];
  const run = (step: Step, body?: unknown) =>
    act(async () => {
      await api(`/api/v1/direct-debit/orders/${order.id}/${step}`, { method: 'POST', body });
      await qc.invalidateQueries({ queryKey: ['dd-orders'] });
      setAsking(null);
    });
  return (
    <Stack gap="xs">
      {steps.length ? (
        <Group>
          {steps.includes('approve') && <Button onClick={() => setAsking('approve')}>{t('directDebit.approve')}</Button>}
          {steps.includes('activate') && (
            <Button loading={busy} onClick={() => void run('activate')}>
              {t('directDebit.activate')}
            </Button>
          )}
          {steps.includes('cancel') && (
            <Button variant="default" onClick={() => setAsking('cancel')}>
              {t('directDebit.cancel')}
            </Button>
          )}
        </Group>
      ) : (
        <Text c="dimmed">{t('directDebit.noActions')}</Text>
      )}
      {!asking && <ErrorText error={error} />}
      {asking && <StepDialog order={order} step={asking} busy={busy} error={error} onClose={() => setAsking(null)} onSubmit={(body) => void run(asking, body)} />}
    </Stack>
  );
}

/** The approval asks for the bank's reference (optional), the cancellation for the reason (required). */
function StepDialog({ order, step, busy, error, onClose, onSubmit }: { order: DirectDebitOrder; step: 'approve' | 'cancel'; busy: boolean; error: unknown; onClose: () => void; onSubmit: (body: object) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    onSubmit(step === 'approve' ? (text.trim() ? { bankReference: text.trim() } : {}) : { reason: text.trim() });
  };
  return (
    <Modal opened onClose={onClose} title={t(step === 'approve' ? 'directDebit.approveTitle' : 'directDebit.cancelTitle', { id: order.id })}>
      <form onSubmit={submit}>
        <Stack>
          {step === 'approve' ? (
            <TextInput label={t('directDebit.bankReference')} value={text} onChange={(e) => setText(e.currentTarget.value)} maxLength={100} data-autofocus />
          ) : (
            <Textarea label={t('directDebit.cancelReason')} value={text} onChange={(e) => setText(e.currentTarget.value)} required maxLength={500} data-autofocus />
          )}
          <ErrorText error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t(step === 'approve' ? 'directDebit.confirmApprove' : 'directDebit.confirmCancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
