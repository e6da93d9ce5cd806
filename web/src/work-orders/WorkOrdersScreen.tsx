/**
 * The work orders board: orders newest first, filtered by region and status, a page at a time (the API pages by id,
 * `?before=`), each with its SLA clock; dispatchers (workorders.manage) assign and reassign. The map beside the list
 * shows the page's orders at their meters' places.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { Badge, Button, Card, Grid, Group, Loader, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { WORK_ORDER_STATUSES, type WorkOrder } from '../api/domain.ts';
import { useCan } from '../auth/session.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { KeysetPager } from '../ui/Pager.tsx';
import { formatTime } from '../turkish.ts';
import { hoursMinutes, slaClock } from './sla.ts';
import { AssignDialog } from './AssignDialog.tsx';

const OrdersMap = lazy(() => import('./OrdersMap.tsx'));
const PAGE = 25;
const STATUS_COLOUR: Record<string, string> = { open: 'blue', assigned: 'indigo', in_progress: 'grape', on_hold: 'yellow', completed: 'green', cancelled: 'gray' };

export function WorkOrdersScreen() {
  const { t, i18n } = useTranslation();
  const canManage = useCan('workorders.manage');
  const canMap = useCan('meters.read');
  const [region, setRegion] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [applied, setApplied] = useState({ region: '', status: null as string | null });
  // Keyset paging: the id each page starts before; page 0 starts at the newest.
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  const [page, setPage] = useState(0);
  const [assigning, setAssigning] = useState<WorkOrder | null>(null);
  const now = useNow(30_000);

  const q = useQuery({
    queryKey: ['work-orders', applied, cursors[page]],
    queryFn: () => {
      const qs = new URLSearchParams({ limit: String(PAGE) });
      if (applied.region) qs.set('region', applied.region);
      if (applied.status) qs.set('status', applied.status);
      if (cursors[page]) qs.set('before', String(cursors[page]));
      return api<{ items: WorkOrder[] }>(`/api/v1/work-orders?${qs}`);
    },
    placeholderData: keepPreviousData,
  });
  const items = q.data?.items ?? [];

  const goTo = (p: number) => {
    if (p > page && items.length) setCursors((c) => [...c.slice(0, p), items[items.length - 1].id]);
    setPage(p);
  };
  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    setApplied({ region: region.trim(), status });
    setCursors([undefined]);
    setPage(0);
  };

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('workOrders.title')}
      </Title>
      <form onSubmit={apply} aria-label={t('workOrders.filters')}>
        <Group align="end">
          <TextInput label={t('workOrders.region')} value={region} onChange={(e) => setRegion(e.currentTarget.value)} placeholder={t('workOrders.regionHint')} />
          <Select
            label={t('workOrders.status')}
            data={[{ value: '', label: t('workOrders.allStatuses') }, ...WORK_ORDER_STATUSES.map((s) => ({ value: s, label: t(`woStatus.${s}`) }))]}
            value={status ?? ''}
            onChange={(v) => setStatus(v || null)}
            allowDeselect={false}
          />
          <Button type="submit">{t('workOrders.apply')}</Button>
        </Group>
      </form>
      <ErrorText error={q.error} />
      <Grid>
        <Grid.Col span={{ base: 12, lg: canMap ? 8 : 12 }}>
          <Table striped highlightOnHover data-testid="work-orders">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('workOrders.id')}</Table.Th>
                <Table.Th>{t('workOrders.type')}</Table.Th>
                <Table.Th>{t('workOrders.status')}</Table.Th>
                <Table.Th>{t('workOrders.where')}</Table.Th>
                <Table.Th>{t('workOrders.crew')}</Table.Th>
                <Table.Th>{t('workOrders.sla')}</Table.Th>
                {canManage && <Table.Th>{t('workOrders.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((o) => (
                <Table.Tr key={o.id} data-id={o.id}>
                  <Table.Td>{o.id}</Table.Td>
                  <Table.Td>
                    {t(`woType.${o.type}`)}
                    <Text size="xs" c="dimmed">
                      {t(`woPriority.${o.priority}`)} · {formatTime(o.createdAt, i18n.language)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOUR[o.status] ?? 'gray'}>{t(`woStatus.${o.status}`)}</Badge>
                  </Table.Td>
                  <Table.Td>
                    {o.region ?? '—'}
                    <Text size="xs" c="dimmed">
                      {[o.meterSerial, o.address].filter(Boolean).join(' · ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>{o.crew ?? t('workOrders.unassigned')}</Table.Td>
                  <Table.Td data-testid="sla">
                    <SlaCell order={o} now={now} />
                  </Table.Td>
                  {canManage && (
                    <Table.Td>
                      {['open', 'assigned', 'in_progress'].includes(o.status) && (
                        <Button size="compact-sm" variant="default" onClick={() => setAssigning(o)} aria-label={t(o.crew ? 'workOrders.reassignN' : 'workOrders.assignN', { id: o.id })}>
                          {o.crew ? t('workOrders.reassign') : t('workOrders.assign')}
                        </Button>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {q.isSuccess && !items.length && <Text c="dimmed">{t('workOrders.none')}</Text>}
          <KeysetPager page={page} full={items.length === PAGE} onPage={goTo} />
        </Grid.Col>
        {canMap && (
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <Card withBorder p={0}>
              <Suspense fallback={<Loader role="status" aria-label={t('app.loading')} />}>
                <OrdersMap orders={items} />
              </Suspense>
            </Card>
          </Grid.Col>
        )}
      </Grid>
      {assigning && <AssignDialog order={assigning} onClose={() => setAssigning(null)} onDone={() => { setAssigning(null); void q.refetch(); }} />}
    </Stack>
  );
}

function SlaCell({ order, now }: { order: WorkOrder; now: number }) {
  const { t } = useTranslation();
  const c = slaClock(order, now);
  if (c.kind === 'closed') return <Text size="sm">{c.breached ? t('sla.closedLate') : t('sla.closedInTime')}</Text>;
  if (c.kind === 'held') return <Text size="sm">{t('sla.held')}</Text>;
  const hm = hoursMinutes(c.minutes);
  return c.minutes >= 0 ? (
    <Text size="sm">{t('sla.left', hm)}</Text>
  ) : (
    <Text size="sm" c="red.9" fw={700}>
      {t('sla.late', hm)}
    </Text>
  );
}

/** The clock, re-read every `ms`: SLA clocks move while the board is open. */
function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
