/** The meters inside the drawn polygon, a page at a time from `POST /api/v1/meter-map/within`, with the total. */
import { useState } from 'react';
import { Badge, Card, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { MeterInPolygon } from '../api/domain.ts';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { Pager } from '../ui/Pager.tsx';
import { formatNumber } from '../turkish.ts';

const PAGE = 20;
const STATE_BADGE: Record<string, string> = { active: 'green', alarm: 'red', inactive: 'gray', removed: 'dark' };

export function SelectionList({ polygon }: { polygon: GeoJSON.Polygon }) {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(0);
  const q = useQuery({
    queryKey: ['meters-within', polygon, page],
    queryFn: () => api<{ total: number; items: MeterInPolygon[] }>('/api/v1/meter-map/within', { method: 'POST', body: { polygon, offset: page * PAGE, limit: PAGE } }),
    placeholderData: keepPreviousData,
  });
  const total = q.data?.total ?? 0;
  return (
    <Card withBorder component="section" aria-labelledby="selection-title">
      <Stack>
        <Title order={2} size="h4" id="selection-title">
          {t('map.selection')}
        </Title>
        <ErrorText error={q.error} />
        <Text size="sm" data-testid="selection-total">
          {t('map.selected', { count: total, n: formatNumber(total, i18n.language) })}
        </Text>
        <Table striped data-testid="selection">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('meters.serial')}</Table.Th>
              <Table.Th>{t('meters.commodity')}</Table.Th>
              <Table.Th>{t('meters.status')}</Table.Th>
              <Table.Th>{t('map.installation')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data?.items.map((m) => (
              <Table.Tr key={m.serial}>
                <Table.Td>
                  <Link to={`/meters/${encodeURIComponent(m.serial)}`}>{m.serial}</Link>
                </Table.Td>
                <Table.Td>{t(`commodity.${m.commodity}`)}</Table.Td>
                <Table.Td>
                  <Badge color={STATE_BADGE[m.state] ?? 'gray'}>
                    {t(`meterState.${m.state}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>{m.installationId}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Pager page={page} pages={Math.ceil(total / PAGE)} onPage={setPage} label={t('map.selectionPages')} />
      </Stack>
    </Card>
  );
}
