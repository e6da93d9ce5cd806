/**
 * Administration: users with their roles and scopes, the roles' permissions, API tokens (users.manage), and meters'
 * MQTT credentials (devices.credentials). Each part is shown only to a role holding its permission; secrets the
 * server hands out (a token, a device secret) are shown once, right here, and never again.
 */
import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Can } from '../auth/session.tsx';
import { UsersPanel } from './UsersPanel.tsx';
import { TokensPanel } from './TokensPanel.tsx';
import { DevicesPanel } from './DevicesPanel.tsx';

export function AdminScreen() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('admin.title')}
      </Title>
      <Can permission="users.manage">
        <UsersPanel />
        <TokensPanel />
      </Can>
      <Can permission="devices.credentials">
        <DevicesPanel />
      </Can>
    </Stack>
  );
}
