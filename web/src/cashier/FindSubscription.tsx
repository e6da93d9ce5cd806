/**
 * The cashier finds whose money it is: by the subscriber number on the bill (the subscription's number, what the debt
 * and payment routes take), or by name with the same search as the Aboneler screen, then one of that party's
 * contracts. Either way the desk ends up with one subscription number.
 */
import { useState } from 'react';
import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Party, PartySubscription } from '../api/domain.ts';
import { PartySearch } from '../subscribers/PartySearch.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';

export function FindSubscription({ onPick }: { onPick: (subscriptionId: string, label: string) => void }) {
  const { t } = useTranslation();
  const [number, setNumber] = useState('');
  const [party, setParty] = useState<Party | null>(null);
  const byNumber = (e: React.FormEvent) => {
    e.preventDefault();
    if (number.trim()) onPick(number.trim(), t('cashier.subscriptionN', { id: number.trim() }));
  };
  return (
    <Card withBorder component="section" aria-labelledby="find-title">
      <Stack>
        <Title order={2} size="h4" id="find-title">
          {t('cashier.find')}
        </Title>
        <form onSubmit={byNumber} aria-label={t('cashier.byNumber')}>
          <Group align="end">
            <TextInput label={t('cashier.number')} value={number} onChange={(e) => setNumber(e.currentTarget.value)} pattern="[A-Za-z0-9_\-]{1,64}" w={220} />
            <Button type="submit" variant="default">
              {t('cashier.showDebt')}
            </Button>
          </Group>
        </form>
        <PartySearch onPick={setParty} onSearch={() => setParty(null)} />
        {party && <Contracts party={party} onPick={onPick} />}
      </Stack>
    </Card>
  );
}

function Contracts({ party, onPick }: { party: Party; onPick: (subscriptionId: string, label: string) => void }) {
  const { t } = useTranslation();
  // A household has one or two contracts, a cooperative a few dozen: the first 50, newest first.
  const subs = useQuery({ queryKey: ['party-subscriptions', party.id, 'desk'], queryFn: () => api<{ total: number; items: PartySubscription[] }>(`/api/v1/parties/${party.id}/subscriptions?limit=50`) });
  const items = subs.data?.items ?? [];
  const address = (s: PartySubscription) => `${s.address.mahalle} Mah. ${s.address.street} No ${s.address.buildingNo}${s.address.doorNo ? `/${s.address.doorNo}` : ''}, ${s.address.ilce}/${s.address.il}`;
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t('cashier.contractsOf', { name: party.name })}
      </Title>
      <ErrorText error={subs.error} />
      {subs.isSuccess && !items.length && <Text c="dimmed">{t('cashier.noContracts')}</Text>}
      {items.length > 0 && (
        <Table data-testid="desk-contracts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('cashier.number')}</Table.Th>
              <Table.Th>{t('subscribers.address')}</Table.Th>
              <Table.Th>{t('subscribers.status')}</Table.Th>
              <Table.Th>{t('workOrders.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{s.id}</Table.Td>
                <Table.Td>
                  {address(s)}
                  <Text size="xs" c="dimmed">
                    {t(`commodity.${s.commodity}`)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={s.status === 'active' ? 'green' : 'gray'}>{t(`subStatus.${s.status}`)}</Badge>
                </Table.Td>
                <Table.Td>
                  <Button size="compact-sm" onClick={() => onPick(String(s.id), `${party.name} · ${t('cashier.subscriptionN', { id: s.id })}`)} aria-label={t('cashier.debtOf', { id: s.id })}>
                    {t('cashier.showDebt')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
