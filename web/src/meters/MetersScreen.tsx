/**
 * The meters, a page at a time from `GET /api/v1/meters` (limit/offset): a fleet of 100,000 is never one list in
 * the browser. Sorted by serial on the server; each row opens the meter's page.
 */
import { useState } from 'react';
import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { MeterRow } from '../api/types.ts';
import { Link } from '../router.tsx';
import { formatNumber } from '../turkish.ts';

const PAGE = 50;

export function MetersScreen() {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(0);
  const q = useQuery({
    queryKey: ['meters', page],
    queryFn: () => api<{ total: string | number; items: MeterRow[] }>(`/api/v1/meters?limit=${PAGE}&offset=${page * PAGE}`),
    placeholderData: keepPreviousData,
  });
  const total = Number(q.data?.total ?? 0);
  const pages = Math.max(1, Math.ceil(total / PAGE));
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('meters.title')}
      </Title>
      {q.error && <Text c="red">{t('app.error', { message: q.error.message })}</Text>}
      <Text size="sm" c="dimmed">
        {t('meters.total', { count: total, n: formatNumber(total, i18n.language) })}
      </Text>
      <Table striped highlightOnHover data-testid="meters">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('meters.serial')}</Table.Th>
            <Table.Th>{t('meters.model')}</Table.Th>
            <Table.Th>{t('meters.commodity')}</Table.Th>
            <Table.Th>{t('meters.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {q.data?.items.map((m) => (
            <Table.Tr key={m.serial}>
              <Table.Td>
                <Link to={`/meters/${encodeURIComponent(m.serial)}`}>{m.serial}</Link>
              </Table.Td>
              <Table.Td>{m.model}</Table.Td>
              <Table.Td>{t(`commodity.${m.commodity}`)}</Table.Td>
              <Table.Td>
                <Badge>{m.status}</Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button variant="default" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
          {t('meters.previous')}
        </Button>
        <Text size="sm">{t('meters.page', { page: page + 1, pages })}</Text>
        <Button variant="default" disabled={page + 1 >= pages} onClick={() => setPage((p) => p + 1)}>
          {t('meters.next')}
        </Button>
      </Group>
    </Stack>
  );
}
