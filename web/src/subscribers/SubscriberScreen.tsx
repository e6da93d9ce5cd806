/**
 * Subscriber 360: one party on one screen. Who they are (personal data masked, as the registry answers), their
 * contracts with the installation addresses on the map, and for the contract chosen: its meter and latest readings,
 * the current account (statement and open items with invoice PDFs), the meter's alarms. At the bottom, who has looked
 * at this party (the access audit trail). Each panel asks its own route and is shown only to a role that may read it.
 */
import { lazy, Suspense, useState } from 'react';
import { Badge, Button, Card, Grid, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Party, PartySubscription } from '../api/domain.ts';
import { Can, useCan } from '../auth/session.tsx';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { Pager } from '../ui/Pager.tsx';
import { formatTime } from '../turkish.ts';
import { AccountPanel } from './AccountPanel.tsx';
import { AlarmsPanel, AuditPanel, MeterPanel } from './SidePanels.tsx';

const PointsMap = lazy(() => import('../map/PointsMap.tsx'));
const PAGE = 10;

export function SubscriberScreen({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const party = useQuery({ queryKey: ['party', id], queryFn: () => api<Party>(`/api/v1/parties/${id}`) });
  const canSubs = useCan('subscriptions.read');
  const canMap = useCan('meters.read') || canSubs;
  const [page, setPage] = useState(0);
  const subs = useQuery({
    queryKey: ['party-subscriptions', id, page],
    enabled: canSubs,
    queryFn: () => api<{ total: number; items: PartySubscription[] }>(`/api/v1/parties/${id}/subscriptions?offset=${page * PAGE}&limit=${PAGE}`),
    placeholderData: keepPreviousData,
  });
  const [chosenId, setChosenId] = useState<number | null>(null);
  const items = subs.data?.items ?? [];
  const chosen = items.find((s) => s.id === chosenId) ?? items[0] ?? null;

  if (party.error) return <ErrorText error={party.error} />;
  if (!party.data) return <Loader role="status" aria-label={t('app.loading')} />;
  const p = party.data;
  const addressLine = (s: PartySubscription) =>
    `${s.address.mahalle} Mah. ${s.address.street} No ${s.address.buildingNo}${s.address.doorNo ? `/${s.address.doorNo}` : ''}, ${s.address.ilce}/${s.address.il}`;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {p.name}
        </Title>
        <Link to="/subscribers">{t('subscribers.back')}</Link>
      </Group>
      <Card withBorder component="section" aria-label={t('subscribers.party')}>
        <Group gap="xl">
          <Fact label={t('subscribers.kind')} value={t(`partyKind.${p.kind}`)} />
          <Fact label={t('subscribers.nationalId')} value={p.nationalId ?? '—'} />
          <Fact label={t('subscribers.phone')} value={p.phone ?? '—'} />
          <Fact label={t('subscribers.email')} value={p.email ?? '—'} />
          {p.masked && <Badge color="gray">{t('subscribers.masked')}</Badge>}
          {p.closedAt && <Badge color="gray">{t('subscribers.closed')}</Badge>}
        </Group>
      </Card>
      {canSubs && (
        <Grid>
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <Card withBorder component="section" aria-labelledby="subs-title">
              <Title order={2} size="h4" id="subs-title" mb="xs">
                {t('subscribers.subscriptions', { count: subs.data?.total ?? 0 })}
              </Title>
              <ErrorText error={subs.error} />
              <Table data-testid="subscriptions" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('subscribers.contract')}</Table.Th>
                    <Table.Th>{t('subscribers.address')}</Table.Th>
                    <Table.Th>{t('meters.serial')}</Table.Th>
                    <Table.Th>{t('subscribers.status')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((s) => (
                    <Table.Tr key={s.id} bg={s.id === chosen?.id ? 'var(--mantine-color-blue-light)' : undefined}>
                      <Table.Td>
                        <Button variant="subtle" size="compact-sm" onClick={() => setChosenId(s.id)} aria-pressed={s.id === chosen?.id}>
                          {t('subscribers.contractN', { id: s.id })}
                        </Button>
                        <Text size="xs" c="dimmed">
                          {t(`commodity.${s.commodity}`)} · {formatTime(s.startedAt, i18n.language)}
                        </Text>
                      </Table.Td>
                      <Table.Td>{addressLine(s)}</Table.Td>
                      <Table.Td>{s.meter ? <Can permission="meters.read" fallback={s.meter.serial}><Link to={`/meters/${encodeURIComponent(s.meter.serial)}`}>{s.meter.serial}</Link></Can> : '—'}</Table.Td>
                      <Table.Td>
                        <Badge color={s.status === 'active' ? 'green' : 'gray'}>{t(`subStatus.${s.status}`)}</Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Pager page={page} pages={Math.ceil((subs.data?.total ?? 0) / PAGE)} onPage={setPage} label={t('subscribers.subscriptionPages')} />
            </Card>
          </Grid.Col>
          {canMap && (
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <Card withBorder p={0}>
                <Suspense fallback={<Loader role="status" aria-label={t('app.loading')} />}>
                  <PointsMap
                    label={t('subscribers.map')}
                    height={320}
                    points={items.map((s) => ({ id: String(s.id), coordinates: s.address.coordinates, colour: s.id === chosen?.id ? '#c92a2a' : '#1864ab' }))}
                  />
                </Suspense>
              </Card>
            </Grid.Col>
          )}
        </Grid>
      )}
      {chosen && (
        <Grid>
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <Can permission="ledger.read">{chosen.accountId !== null ? <AccountPanel accountId={chosen.accountId} /> : <Text c="dimmed">{t('account.none')}</Text>}</Can>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <Stack>
              {chosen.meter && (
                <Can permission="meters.read">
                  <MeterPanel serial={chosen.meter.serial} />
                </Can>
              )}
              {chosen.meter && (
                <Can permission="alarms.read">
                  <AlarmsPanel serial={chosen.meter.serial} />
                </Can>
              )}
            </Stack>
          </Grid.Col>
        </Grid>
      )}
      <Can permission="audit.read">
        <AuditPanel partyId={id} />
      </Can>
    </Stack>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text>{value}</Text>
    </div>
  );
}
