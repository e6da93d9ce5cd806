/**
 * The alarm feed: whatever the live feed brings, newest first. Alarm events get acknowledge and clear buttons for
 * those holding `alarms.manage` (rules/routes.ts); everyone else sees the list without them.
 */
import { useState } from 'react';
import { Badge, Button, Card, Group, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { FeedEvent } from '../api/types.ts';
import { useCan } from '../auth/session.tsx';
import { formatTime } from '../turkish.ts';
import { useLiveFeed, type FeedState } from './useLiveFeed.ts';

const SEVERITY_COLOUR: Record<string, string> = { critical: 'red', major: 'orange', minor: 'yellow', warning: 'yellow', info: 'blue' };

export function AlarmFeed() {
  const { t, i18n } = useTranslation();
  const { events, state } = useLiveFeed();
  const canManage = useCan('alarms.manage');
  const [done, setDone] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  const act = async (id: string, action: 'acknowledge' | 'clear') => {
    setError(null);
    try {
      await api(`/api/v1/alarms/${encodeURIComponent(id)}/${action}`, { method: 'POST', body: {} });
      setDone((d) => ({ ...d, [id]: action }));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <Card withBorder component="section" aria-labelledby="feed-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="feed-title">
          {t('feed.title')}
        </Title>
        <FeedBadge state={state} />
      </Group>
      {error && (
        <Text c="red" role="alert">
          {t('app.error', { message: error })}
        </Text>
      )}
      {events.length === 0 ? (
        <Text c="dimmed">{state === 'refused' ? t('feed.unavailable') : t('feed.empty')}</Text>
      ) : (
        <Table striped data-testid="feed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('feed.at')}</Table.Th>
              <Table.Th>{t('feed.kind')}</Table.Th>
              <Table.Th>{t('feed.meter')}</Table.Th>
              <Table.Th>{t('feed.severity')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.map((e) => (
              <EventRow key={`${e.stream}-${e.id}-${e.at}`} e={e} lng={i18n.language} manage={canManage && e.stream === 'alarms'} done={done[e.id]} act={act} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function EventRow({ e, lng, manage, done, act }: { e: FeedEvent; lng: string; manage: boolean; done?: string; act: (id: string, a: 'acknowledge' | 'clear') => void }) {
  const { t } = useTranslation();
  const severity = typeof e.data.severity === 'string' ? e.data.severity : undefined;
  // Alarms raised by the engine carry the meter's id; those read back from storage also its serial.
  const serial = typeof e.data.serial === 'string' ? e.data.serial : e.data.meterId !== undefined ? `#${String(e.data.meterId)}` : '';
  return (
    <Table.Tr data-stream={e.stream} data-kind={e.kind} data-id={e.id} data-meter-id={e.data.meterId === undefined ? undefined : String(e.data.meterId)}>
      <Table.Td>{formatTime(e.at, lng)}</Table.Td>
      <Table.Td>
        {e.stream}.{e.kind} #{e.id}
        {typeof e.data.type === 'string' && ` (${e.data.type})`}
      </Table.Td>
      <Table.Td>{serial}</Table.Td>
      <Table.Td>{severity && <Badge color={SEVERITY_COLOUR[severity] ?? 'gray'}>{t(`severity.${severity}`, { defaultValue: severity })}</Badge>}</Table.Td>
      <Table.Td>
        {manage && (
          <Group gap={4} wrap="nowrap">
            <Button size="compact-xs" disabled={!!done} onClick={() => act(e.id, 'acknowledge')}>
              {t('feed.acknowledge')}
            </Button>
            <Button size="compact-xs" variant="default" disabled={done === 'clear'} onClick={() => act(e.id, 'clear')}>
              {t('feed.clear')}
            </Button>
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function FeedBadge({ state }: { state: FeedState }) {
  const { t } = useTranslation();
  if (state === 'open') return <Badge color="green">{t('feed.connected')}</Badge>;
  if (state === 'refused') return <Badge color="gray">{t('feed.unavailable')}</Badge>;
  return <Badge color="yellow">{t('feed.reconnecting')}</Badge>;
}
