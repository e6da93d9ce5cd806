/**
 * Devices: the meters, a page at a time, with their MQTT credentials: issue (or rotate: the old secret stops working)
 * and revoke. The new secret is shown once, next to its meter; the server keeps only its hash.
 */
import { useState } from 'react';
import { Button, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { MeterRow } from '../api/types.ts';
import { ErrorText } from '../ui/ErrorText.tsx';
import { Pager } from '../ui/Pager.tsx';

const PAGE = 20;

export function DevicesPanel() {
  const { t } = useTranslation();
  const [page, setPage] = useState(0);
  const q = useQuery({
    queryKey: ['meters', 'devices', page],
    queryFn: () => api<{ total: string | number; items: MeterRow[] }>(`/api/v1/meters?limit=${PAGE}&offset=${page * PAGE}`),
    placeholderData: keepPreviousData,
  });
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const act = async (serial: string, method: 'POST' | 'DELETE') => {
    setError(null);
    try {
      const r = await api<{ password?: string }>(`/api/v1/meters/${encodeURIComponent(serial)}/credentials`, { method, ...(method === 'POST' && { body: {} }) });
      setSecrets((s) => ({ ...s, [serial]: method === 'POST' ? (r.password ?? '') : '' }));
    } catch (err) {
      setError(err);
    }
  };
  const total = Number(q.data?.total ?? 0);
  return (
    <Card withBorder component="section" aria-labelledby="devices-title">
      <Stack>
        <Title order={2} size="h4" id="devices-title">
          {t('admin.devices')}
        </Title>
        <ErrorText error={error ?? q.error} />
        <Table data-testid="devices">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('meters.serial')}</Table.Th>
              <Table.Th>{t('meters.model')}</Table.Th>
              <Table.Th>{t('meters.status')}</Table.Th>
              <Table.Th>{t('admin.credentials')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data?.items.map((m) => (
              <Table.Tr key={m.serial}>
                <Table.Td>{m.serial}</Table.Td>
                <Table.Td>{m.model}</Table.Td>
                <Table.Td>{t(`meterState.${m.status}`, { defaultValue: m.status })}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Button size="compact-sm" variant="default" onClick={() => void act(m.serial, 'POST')} aria-label={t('admin.rotateFor', { serial: m.serial })}>
                      {t('admin.rotate')}
                    </Button>
                    <Button size="compact-sm" variant="default" onClick={() => void act(m.serial, 'DELETE')} aria-label={t('admin.revokeFor', { serial: m.serial })}>
                      {t('admin.revoke')}
                    </Button>
                  </Group>
                  {secrets[m.serial] !== undefined && (
                    <Text size="xs" role="status" data-testid="device-secret">
                      {secrets[m.serial] ? (
                        <>
                          {t('admin.secretOnce')} <Code>{secrets[m.serial]}</Code>
                        </>
                      ) : (
                        t('admin.secretRevoked')
                      )}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Pager page={page} pages={Math.ceil(total / PAGE)} onPage={setPage} label={t('admin.devicePages')} />
      </Stack>
    </Card>
  );
}
