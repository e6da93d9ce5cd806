/** The frame of every screen: the product name, navigation by permission, language and logout. */
import type { ReactNode } from 'react';
import { AppShell, Button, Group, NavLink, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCan, useLogout, useSession } from '../auth/session.tsx';
import { navigate, usePath } from '../router.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const me = useSession();
  const logout = useLogout();
  const path = usePath();
  const meters = useCan('meters.read');
  const orders = useCan('workorders.read');
  const parties = useCan('parties.read');
  const billing = useCan('billing.read');
  const desk = useCan('collections.take');
  const statements = useCan('collections.statements');
  const directDebit = useCan('collections.direct_debit');
  const users = useCan('users.manage');
  const devices = useCan('devices.credentials');
  const admin = users || devices;
  const items = [
    { to: '/', label: t('nav.console'), show: true },
    { to: '/meters', label: t('nav.meters'), show: meters },
    { to: '/map', label: t('nav.map'), show: meters },
    { to: '/work-orders', label: t('nav.workOrders'), show: orders },
    { to: '/subscribers', label: t('nav.subscribers'), show: parties },
    { to: '/billing', label: t('nav.billing'), show: billing },
    { to: '/cashier', label: t('nav.cashier'), show: desk },
    { to: '/statements', label: t('nav.statements'), show: statements },
    { to: '/direct-debit', label: t('nav.directDebit'), show: directDebit },
    { to: '/admin', label: t('nav.admin'), show: admin },
  ].filter((i) => i.show);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Text fw={700} size="lg">
            {t('app.name')}
          </Text>
          <Group gap="xs">
            <Text size="sm" data-testid="username">
              {me.username}
            </Text>
            <LanguageSwitch />
            <Button variant="default" size="compact-sm" onClick={() => void logout()}>
              {t('app.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav">
        {items.map((i) => (
          <NavLink
            key={i.to}
            href={i.to}
            label={i.label}
            active={i.to === '/' ? path === '/' : path.startsWith(i.to)}
            onClick={(e) => {
              e.preventDefault();
              navigate(i.to);
            }}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
