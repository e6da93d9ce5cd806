/**
 * Users: the list (paged in the browser: the API answers every user, a utility has hundreds, not millions), a new
 * user, a user's roles with their region scopes, enabling and disabling; and the roles with what each may do.
 */
import { useState } from 'react';
import { Badge, Button, Card, Checkbox, Group, Modal, PasswordInput, Select, SimpleGrid, Spoiler, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { RoleInfo, User } from '../api/domain.ts';
import { ErrorText } from '../ui/ErrorText.tsx';
import { Pager, pageOf } from '../ui/Pager.tsx';
import { compareTr } from '../turkish.ts';

const PAGE = 15;
type Grant = { role: string; regions?: string[] };

/** "34, 06" → ['34', '06']; empty means every region (no scope). */
const regionsOf = (s: string): string[] | undefined => {
  const list = s.split(/[,\s]+/).map((r) => r.trim()).filter(Boolean);
  return list.length ? list : undefined;
};

export function UsersPanel() {
  const { t } = useTranslation();
  const users = useQuery({ queryKey: ['users'], queryFn: () => api<{ items: User[]; roles: RoleInfo[] }>('/api/v1/users') });
  const [page, setPage] = useState(0);
  const [editing, setEditing] = useState<User | null>(null);
  const [error, setError] = useState<unknown>(null);
  const items = [...(users.data?.items ?? [])].sort((a, b) => compareTr(a.username, b.username));
  const roles = users.data?.roles ?? [];

  const setStatus = async (u: User, status: 'active' | 'disabled') => {
    setError(null);
    try {
      await api(`/api/v1/users/${encodeURIComponent(u.username)}/status`, { method: 'PUT', body: { status } });
      await users.refetch();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Card withBorder component="section" aria-labelledby="users-title">
        <Stack>
          <Title order={2} size="h4" id="users-title">
            {t('admin.users')}
          </Title>
          <ErrorText error={error ?? users.error} />
          <Table data-testid="users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.username')}</Table.Th>
                <Table.Th>{t('admin.displayName')}</Table.Th>
                <Table.Th>{t('admin.roles')}</Table.Th>
                <Table.Th>{t('admin.status')}</Table.Th>
                <Table.Th>{t('workOrders.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pageOf(items, page, PAGE).map((u) => (
                <Table.Tr key={u.username} data-username={u.username}>
                  <Table.Td>{u.username}</Table.Td>
                  <Table.Td>{u.displayName}</Table.Td>
                  <Table.Td>
                    {u.roles.map((r) => (
                      <Badge key={r.role} mr={4} color="gray" tt="none">
                        {r.role}
                        {r.regions?.length ? ` (${r.regions.join(', ')})` : ''}
                      </Badge>
                    ))}
                  </Table.Td>
                  <Table.Td>{t(`userStatus.${u.status}`)}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Button size="compact-sm" variant="default" onClick={() => setEditing(u)} aria-label={t('admin.editRolesOf', { username: u.username })}>
                        {t('admin.editRoles')}
                      </Button>
                      <Button size="compact-sm" variant="default" onClick={() => void setStatus(u, u.status === 'active' ? 'disabled' : 'active')} aria-label={t(u.status === 'active' ? 'admin.disableUser' : 'admin.enableUser', { username: u.username })}>
                        {u.status === 'active' ? t('admin.disable') : t('admin.enable')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager page={page} pages={Math.ceil(items.length / PAGE)} onPage={setPage} label={t('admin.userPages')} />
          <NewUser roles={roles} onDone={() => void users.refetch()} />
        </Stack>
      </Card>
      <Card withBorder component="section" aria-labelledby="roles-title">
        <Title order={2} size="h4" id="roles-title" mb="xs">
          {t('admin.rolesTitle')}
        </Title>
        <Table data-testid="roles">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.role')}</Table.Th>
              <Table.Th>{t('admin.permissions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {roles.map((r) => (
              <Table.Tr key={r.code}>
                <Table.Td>
                  {r.code}
                  <Text size="xs" c="dimmed">
                    {r.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Spoiler maxHeight={24} showLabel={t('admin.showAll', { count: r.permissions.length })} hideLabel={t('admin.hide')}>
                    <Text size="sm">{r.permissions.join(', ')}</Text>
                  </Spoiler>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      {editing && <RolesDialog user={editing} roles={roles} onClose={() => setEditing(null)} onDone={() => { setEditing(null); void users.refetch(); }} />}
    </>
  );
}

function NewUser({ roles, onDone }: { roles: RoleInfo[]; onDone: () => void }) {
  const { t } = useTranslation();
  const [f, setF] = useState({ username: '', displayName: '', password: '', role: '', regions: '' });
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const grants: Grant[] = f.role ? [{ role: f.role, ...(regionsOf(f.regions) && { regions: regionsOf(f.regions) }) }] : [];
      await api('/api/v1/users', { method: 'POST', body: { username: f.username.trim(), displayName: f.displayName.trim(), password: f.password, roles: grants } });
      setCreated(f.username.trim());
      setF({ username: '', displayName: '', password: '', role: '', regions: '' });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement>) => setF({ ...f, [k]: e.currentTarget.value });
  return (
    <form onSubmit={submit} aria-labelledby="new-user-title">
      <Title order={3} size="h5" id="new-user-title" mb="xs">
        {t('admin.newUser')}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <TextInput label={t('admin.username')} required value={f.username} onChange={set('username')} />
        <TextInput label={t('admin.displayName')} required value={f.displayName} onChange={set('displayName')} />
        <PasswordInput label={t('admin.password')} required value={f.password} onChange={set('password')} autoComplete="new-password" />
        <Select label={t('admin.role')} data={roles.map((r) => ({ value: r.code, label: `${r.code} · ${r.name}` }))} value={f.role || null} onChange={(v) => setF({ ...f, role: v ?? '' })} />
        <TextInput label={t('admin.regions')} description={t('admin.regionsHint')} value={f.regions} onChange={set('regions')} />
      </SimpleGrid>
      <Group mt="sm">
        <Button type="submit">{t('admin.create')}</Button>
        {created && (
          <Text size="sm" role="status">
            {t('admin.created', { username: created })}
          </Text>
        )}
      </Group>
      <ErrorText error={error} />
    </form>
  );
}

function RolesDialog({ user, roles, onClose, onDone }: { user: User; roles: RoleInfo[]; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<Record<string, string | null>>(() => Object.fromEntries(user.roles.map((r) => [r.role, (r.regions ?? []).join(', ')])));
  const [error, setError] = useState<unknown>(null);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const grants = Object.entries(chosen)
        .filter(([, regions]) => regions !== null)
        .map(([role, regions]) => ({ role, ...(regionsOf(regions!) && { regions: regionsOf(regions!) }) }));
      await api(`/api/v1/users/${encodeURIComponent(user.username)}/roles`, { method: 'PUT', body: { roles: grants } });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Modal opened onClose={onClose} title={t('admin.rolesOf', { username: user.username })} size="lg">
      <form onSubmit={save}>
        <Stack>
          {roles.map((r) => (
            <Group key={r.code} align="end">
              <Checkbox label={`${r.code} · ${r.name}`} checked={chosen[r.code] !== undefined && chosen[r.code] !== null} onChange={(e) => setChosen({ ...chosen, [r.code]: e.currentTarget.checked ? '' : null })} w={260} />
              {chosen[r.code] != null && (
                <TextInput size="xs" label={t('admin.regionsFor', { role: r.code })} value={chosen[r.code] ?? ''} onChange={(e) => setChosen({ ...chosen, [r.code]: e.currentTarget.value })} />
              )}
            </Group>
          ))}
          <ErrorText error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit">{t('admin.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
