/** The small panels of the subscriber 360: the meter's latest values, its alarms, and who looked at the party. */
import { Badge, Card, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Alarm, AuditRow } from '../api/domain.ts';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { formatNumber, formatTime } from '../turkish.ts';

export function MeterPanel({ serial }: { serial: string }) {
  const { t, i18n } = useTranslation();
  const latest = useQuery({
    queryKey: ['latest', serial],
    queryFn: () => api<{ channels: Array<{ channel: string; unit: string; ts: string; value: number }> }>(`/api/v1/meters/${encodeURIComponent(serial)}/latest`),
  });
  return (
    <Card withBorder component="section" aria-labelledby="meter-panel-title">
      <Title order={2} size="h4" id="meter-panel-title" mb="xs">
        <Link to={`/meters/${encodeURIComponent(serial)}`}>{t('subscribers.meterN', { serial })}</Link>
      </Title>
      <ErrorText error={latest.error} />
      {latest.data && !latest.data.channels.length && <Text c="dimmed">{t('meters.noData')}</Text>}
      <Table data-testid="latest">
        <Table.Tbody>
          {latest.data?.channels.map((c) => (
            <Table.Tr key={c.channel}>
              <Table.Th>{t(`channel.${c.channel}`, { defaultValue: c.channel })}</Table.Th>
              <Table.Td>
                {formatNumber(Number(c.value), i18n.language, 3)} {c.unit}
              </Table.Td>
              <Table.Td>{formatTime(c.ts, i18n.language)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

export function AlarmsPanel({ serial }: { serial: string }) {
  const { t, i18n } = useTranslation();
  const alarms = useQuery({ queryKey: ['alarms', serial], queryFn: () => api<{ items: Alarm[] }>(`/api/v1/alarms?meter=${encodeURIComponent(serial)}&limit=10`) });
  return (
    <Card withBorder component="section" aria-labelledby="alarms-panel-title">
      <Title order={2} size="h4" id="alarms-panel-title" mb="xs">
        {t('subscribers.alarms')}
      </Title>
      <ErrorText error={alarms.error} />
      {alarms.data && !alarms.data.items.length && <Text c="dimmed">{t('subscribers.noAlarms')}</Text>}
      <Stack gap={4}>
        {alarms.data?.items.map((a) => (
          <Text size="sm" key={a.id}>
            <Badge color={a.active ? 'red' : 'gray'} mr="xs">
              {t(`severity.${a.severity}`)}
            </Badge>
            {a.type} · {formatTime(a.raisedAt, i18n.language)} {a.active ? '' : `· ${t('subscribers.cleared')}`}
          </Text>
        ))}
      </Stack>
      {alarms.data?.items.length === 10 && (
        <Text size="xs" c="dimmed">
          {t('subscribers.newestTen')}
        </Text>
      )}
    </Card>
  );
}

export function AuditPanel({ partyId }: { partyId: number }) {
  const { t, i18n } = useTranslation();
  const trail = useQuery({ queryKey: ['audit', 'party', partyId], queryFn: () => api<{ items: AuditRow[] }>(`/api/v1/audit?entity=party&entityId=${partyId}&limit=20`) });
  return (
    <Card withBorder component="section" aria-labelledby="audit-title">
      <Title order={2} size="h4" id="audit-title" mb="xs">
        {t('subscribers.audit')}
      </Title>
      <ErrorText error={trail.error} />
      <Table data-testid="audit">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.at')}</Table.Th>
            <Table.Th>{t('audit.actor')}</Table.Th>
            <Table.Th>{t('audit.action')}</Table.Th>
            <Table.Th>{t('audit.outcome')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {trail.data?.items.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>{formatTime(r.at, i18n.language)}</Table.Td>
              <Table.Td>{r.actor}</Table.Td>
              <Table.Td>{t(`auditAction.${r.action}`, { defaultValue: r.action })}</Table.Td>
              <Table.Td>{r.outcome}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        {t('subscribers.auditNewest')}
      </Text>
    </Card>
  );
}
