/**
 * Finding a party: by name (the registry folds case and Turkish letters, so "şükrü", "ŞÜKRÜ" and "sukru" find
 * Şükrü Çağlayan) or by an exact TCKN/VKN. At most 50 answers, sorted the Turkish way; every search is audited.
 * The Aboneler screen links each answer to the subscriber 360; the cashier desk picks one (`onPick`).
 */
import { useState } from 'react';
import { Badge, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Party } from '../api/domain.ts';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { compareTr } from '../turkish.ts';

export function PartySearch({ initial = '', onSearch, onPick }: { initial?: string; onSearch?: (q: string) => void; onPick?: (p: Party) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  const [q, setQ] = useState(initial);
  const found = useQuery({
    queryKey: ['parties', q],
    enabled: q.trim().length > 0,
    queryFn: () => api<{ items: Party[] }>(`/api/v1/parties?q=${encodeURIComponent(q.trim())}&limit=50`),
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setQ(text);
    onSearch?.(text);
  };
  const items = [...(found.data?.items ?? [])].sort((a, b) => compareTr(a.name, b.name));
  return (
    <Stack>
      <form onSubmit={submit} role="search">
        <Group align="end">
          <TextInput label={t('subscribers.search')} description={t('subscribers.searchHint')} value={text} onChange={(e) => setText(e.currentTarget.value)} w={360} />
          <Button type="submit">{t('subscribers.find')}</Button>
        </Group>
      </form>
      <ErrorText error={found.error} />
      {found.isSuccess && (
        <Text size="sm" c="dimmed" role="status">
          {t('subscribers.found', { count: items.length })}
        </Text>
      )}
      {items.length > 0 && (
        <Table striped highlightOnHover data-testid="parties">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('subscribers.name')}</Table.Th>
              <Table.Th>{t('subscribers.kind')}</Table.Th>
              <Table.Th>{t('subscribers.nationalId')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  {onPick ? (
                    <Button variant="subtle" size="compact-sm" onClick={() => onPick(p)}>
                      {p.name}
                    </Button>
                  ) : (
                    <Link to={`/subscribers/${p.id}`}>{p.name}</Link>
                  )}
                  {p.closedAt && (
                    <Badge ml="xs" color="gray">
                      {t('subscribers.closed')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{t(`partyKind.${p.kind}`)}</Table.Td>
                <Table.Td>{p.nationalId ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
