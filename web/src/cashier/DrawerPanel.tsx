/**
 * The cashier's drawer: opened in the morning at an office with its opening float, its takings by method during the
 * day, and at the end counted and closed: the close shows what the drawer should hold (float + cash taken − cash of
 * cancelled payments), what was counted and the difference. The office is remembered in the browser: a desk's
 * computer stays at its office.
 */
import { useState } from 'react';
import { Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client.ts';
import type { Drawer, DrawerReport } from '../api/collections.ts';
import { ErrorText } from '../ui/ErrorText.tsx';
import { formatMoney, parseMoney } from '../money.ts';
import { useAction } from '../ui/useAction.ts';

const OFFICE_KEY = 'abone.cashier.office';

/** The open drawer of the logged-in cashier, or null when none is open. */
export function useCurrentDrawer() {
  return useQuery({
    queryKey: ['drawer', 'current'],
    queryFn: async () => {
      try {
        return await api<Drawer>('/api/v1/collections/drawers/current');
      } catch (err) {
        if (err instanceof ApiError && err.code === 'ABONE_ERR_COLLECTIONS_DRAWER_NOT_FOUND') return null;
        throw err;
      }
    },
  });
}

export function DrawerPanel() {
  const { t } = useTranslation();
  const drawer = useCurrentDrawer();
  const [closed, setClosed] = useState<DrawerReport | null>(null);
  return (
    <Card withBorder component="section" aria-labelledby="drawer-title">
      <Stack>
        <Title order={2} size="h4" id="drawer-title">
          {t('cashier.drawer')}
        </Title>
        <ErrorText error={drawer.error} />
        {closed && <Report report={closed} testId="drawer-closed" />}
        {drawer.data === null && <OpenDrawer onOpened={() => setClosed(null)} />}
        {drawer.data && <OpenNow drawer={drawer.data} onClosed={setClosed} />}
      </Stack>
    </Card>
  );
}

function OpenDrawer({ onOpened }: { onOpened: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [typed, setOffice] = useState(() => localStorage.getItem(OFFICE_KEY) ?? '');
  // A supervisor may have put the cashier at an office: the drawer opens there, the field only shows it.
  const mine = useQuery({ queryKey: ['drawer', 'office'], queryFn: () => api<{ office: string | null }>('/api/v1/collections/cashier-offices/me') });
  const assigned = mine.data?.office ?? null;
  const office = assigned ?? typed;
  const [float, setFloat] = useState('');
  const { busy, error, setError, act } = useAction();
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const openingFloat = parseMoney(float, i18n.language);
    if (openingFloat === null) return setError(new Error(t('cashier.badAmount')));
    await act(async () => {
      const code = office.trim().toUpperCase(); // an ASCII code (MERKEZ, KADIKOY): not the Turkish İ
      await api('/api/v1/collections/drawers', { method: 'POST', body: { office: code, openingFloat } });
      localStorage.setItem(OFFICE_KEY, code);
      onOpened();
      await qc.invalidateQueries({ queryKey: ['drawer'] });
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="open-drawer-title">
      <Stack gap="xs">
        <Text id="open-drawer-title">{t('cashier.noDrawer')}</Text>
        <TextInput
          label={t('cashier.office')}
          description={assigned ? t('cashier.officeAssigned') : t('cashier.officeHint')}
          value={office}
          onChange={(e) => setOffice(e.currentTarget.value)}
          readOnly={assigned !== null}
          required
          maxLength={32}
        />
        <TextInput label={t('cashier.openingFloat')} description={t('cashier.amountHint')} value={float} onChange={(e) => setFloat(e.currentTarget.value)} required inputMode="decimal" />
        <ErrorText error={error} />
        <Group>
          <Button type="submit" loading={busy}>
            {t('cashier.openDrawer')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function OpenNow({ drawer, onClosed }: { drawer: Drawer; onClosed: (report: DrawerReport) => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [counted, setCounted] = useState('');
  const { busy, error, setError, act } = useAction();
  const close = async (e: React.FormEvent) => {
    e.preventDefault();
    const countedCash = parseMoney(counted, i18n.language);
    if (countedCash === null) return setError(new Error(t('cashier.badAmount')));
    await act(async () => {
      const report = await api<DrawerReport>(`/api/v1/collections/drawers/${drawer.id}/close`, { method: 'POST', body: { countedCash } });
      onClosed(report);
      await qc.invalidateQueries({ queryKey: ['drawer'] });
    });
  };
  return (
    <>
      <Text data-testid="drawer-open">{t('cashier.drawerOpen', { id: drawer.id, office: drawer.office, date: drawer.businessDate })}</Text>
      <Report report={drawer.report} testId="drawer-report" />
      <form onSubmit={close} aria-label={t('cashier.closeDrawer')}>
        <Group align="end">
          <TextInput label={t('cashier.countedCash')} description={t('cashier.amountHint')} value={counted} onChange={(e) => setCounted(e.currentTarget.value)} required inputMode="decimal" w={200} />
          <Button type="submit" variant="default" loading={busy}>
            {t('cashier.closeDrawer')}
          </Button>
        </Group>
        <ErrorText error={error} />
      </form>
    </>
  );
}

/** Takings by method, cancellations, expected cash; once closed also counted cash and the difference. */
function Report({ report, testId }: { report: DrawerReport; testId: string }) {
  const { t, i18n } = useTranslation();
  const m = (s: string) => formatMoney(s, i18n.language);
  return (
    <Stack gap="xs" data-testid={testId}>
      {report.closedAt && (
        <Text fw={700} role="status">
          {t('cashier.drawerClosed', { id: report.drawerId })}
        </Text>
      )}
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('cashier.method')}</Table.Th>
            <Table.Th ta="right">{t('cashier.count')}</Table.Th>
            <Table.Th ta="right">{t('cashier.total')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td>{t('cashier.openingFloatShort')}</Table.Td>
            <Table.Td />
            <Table.Td ta="right">{m(report.openingFloat)}</Table.Td>
          </Table.Tr>
          {report.byMethod.map((r) => (
            <Table.Tr key={r.channel}>
              <Table.Td>{t(`deskMethod.${r.channel}`, { defaultValue: r.channel })}</Table.Td>
              <Table.Td ta="right">{r.count}</Table.Td>
              <Table.Td ta="right">{m(r.total)}</Table.Td>
            </Table.Tr>
          ))}
          {report.cancelled.map((r) => (
            <Table.Tr key={`x-${r.channel}`}>
              <Table.Td>{t('cashier.cancelledMethod', { method: t(`deskMethod.${r.channel}`, { defaultValue: r.channel }) })}</Table.Td>
              <Table.Td ta="right">{r.count}</Table.Td>
              <Table.Td ta="right">−{m(r.total)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group gap="xl">
        <Fact label={t('cashier.expectedCash')} value={m(report.expectedCash)} testId="expected-cash" />
        {report.countedCash !== null && <Fact label={t('cashier.counted')} value={m(report.countedCash)} testId="counted-cash" />}
        {report.difference !== null && <Fact label={t('cashier.difference')} value={m(report.difference)} testId="cash-difference" />}
      </Group>
    </Stack>
  );
}

function Fact({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}
