/**
 * Taking the money: how much (Turkish figures), cash or card (or card in instalments), into the cashier's open drawer.
 * Each submission carries a client reference (client-reference.ts), so a double click or a resend is one payment.
 * The answer is the receipt: its number, and the PDF to open and print.
 */
import { useState } from 'react';
import { Anchor, Button, Card, Group, NumberInput, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { DESK_METHODS, type Debt, type DeskMethod, type Drawer, type Payment } from '../api/collections.ts';
import { ErrorText } from '../ui/ErrorText.tsx';
import { formatMoney, parseMoney } from '../money.ts';
import { useClientReference } from './client-reference.ts';
import { useAction } from '../ui/useAction.ts';

/** The sum of the API's decimal strings ("271.75"), in kuruş as integers: exact, no float rounding. */
const sumMoney = (amounts: string[]): string => {
  const kurus = amounts.reduce((s, a) => {
    const [, sign, whole, frac = ''] = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(a) ?? ['', '', '0'];
    const k = BigInt(whole) * 100n + BigInt(frac.padEnd(2, '0') || '0');
    return s + (sign ? -k : k);
  }, 0n);
  const abs = kurus < 0n ? -kurus : kurus;
  return `${kurus < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

export function PaymentForm({ debt, chosen, drawer, onTaken }: { debt: Debt; chosen: number[]; drawer: Drawer | null; onTaken: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const refs = useClientReference();
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<DeskMethod>('cash');
  const [instalments, setInstalments] = useState<number | string>(3);
  const { busy, error, setError, act } = useAction();
  const [receipt, setReceipt] = useState<Payment | null>(null);
  const m = (s: string) => formatMoney(s, i18n.language);
  const payable = chosen.length ? sumMoney(debt.items.filter((i) => chosen.includes(i.itemId)).map((i) => i.payable)) : debt.totalPayable;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!drawer) return;
    const value = parseMoney(amount, i18n.language);
    if (value === null || value === '0.00') return setError(new Error(t('cashier.badAmount')));
    const body = {
      subscriptionId: debt.subscriptionId,
      amount: value,
      method,
      ...(method === 'card_instalment' && { instalments: Number(instalments) }),
      drawerId: drawer.id,
      ...(chosen.length && { itemIds: [...chosen].sort((a, b) => a - b) }),
    };
    const clientReference = refs.for(JSON.stringify(body));
    await act(async () => {
      const payment = await api<Payment>('/api/v1/collections/payments', { method: 'POST', body: { ...body, clientReference } });
      refs.done(clientReference);
      // The twin of a double submit answers with the same payment (replayed): the receipt already shown stays.
      setReceipt((shown) => (shown?.id === payment.id ? shown : payment));
      setAmount('');
      onTaken();
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['debt', debt.subscriptionId] }),
        qc.invalidateQueries({ queryKey: ['desk-payments'] }), // the subscriber's list and a drawer's
        qc.invalidateQueries({ queryKey: ['drawer'] }),
      ]);
    });
  };

  return (
    <form onSubmit={submit} aria-label={t('cashier.take')} data-testid="payment-form">
      <Stack gap="xs">
        {!drawer && (
          <Text fw={700} role="note">
            {t('cashier.needDrawerHint')}
          </Text>
        )}
        <Group align="end">
          <TextInput
            label={t('cashier.amount')}
            description={t('cashier.payableNow', { amount: m(payable) })}
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
            required
            inputMode="decimal"
            w={220}
            disabled={!drawer}
          />
          <Button variant="default" onClick={() => setAmount(formatMoney(payable, i18n.language).replace(/\s?₺/, ''))} disabled={!drawer}>
            {t('cashier.fillPayable')}
          </Button>
        </Group>
        <Radio.Group label={t('cashier.method')} value={method} onChange={(v) => setMethod(v as DeskMethod)}>
          <Group mt={4}>
            {DESK_METHODS.map((k) => (
              <Radio key={k} value={k} label={t(`deskMethod.${k}`)} disabled={!drawer} />
            ))}
          </Group>
        </Radio.Group>
        {method === 'card_instalment' && <NumberInput label={t('cashier.instalments')} min={2} max={18} value={instalments} onChange={setInstalments} w={160} required />}
        {chosen.length > 0 && <Text size="sm">{t('cashier.chosenItems', { count: chosen.length })}</Text>}
        {!chosen.length && <Text size="sm" c="dimmed">{t('cashier.oldestFirst')}</Text>}
        <ErrorText error={error} />
        <Group>
          <Button type="submit" loading={busy} disabled={!drawer}>
            {t('cashier.take')}
          </Button>
        </Group>
        {receipt && (
          <Card withBorder style={{ borderColor: 'var(--mantine-color-green-8)', borderWidth: 2 }} data-testid="receipt" data-payment-id={receipt.id} role="status">
            <Stack gap={4}>
              <Title order={3} size="h5">
                {t('cashier.taken', { receipt: receipt.receiptNo ?? receipt.id })}
              </Title>
              <Text size="sm">
                {t('cashier.takenDetail', { amount: m(receipt.amount), method: t(`deskMethod.${receipt.channel}`, { defaultValue: receipt.channel }) })}
              </Text>
              {receipt.replayed && <Text size="sm">{t('cashier.replayed')}</Text>}
              <Anchor href={`/api/v1/collections/payments/${receipt.id}/receipt.pdf`} target="_blank" rel="noopener">
                {t('cashier.receiptPdf', { receipt: receipt.receiptNo ?? receipt.id })}
              </Anchor>
            </Stack>
          </Card>
        )}
      </Stack>
    </form>
  );
}
