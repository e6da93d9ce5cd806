/**
 * The cashier desk (Vezne), a cashier's whole day on one screen: open the drawer with its float, find the subscriber
 * (by number or by name), see what is owed today with late fees, take cash or card, hand over the receipt, and in the
 * evening count and close the drawer; a supervisor also sees the day's drawers and their payments. The subscription in hand stays in the URL, so a reload keeps it.
 */
import { useState } from 'react';
import { Button, Grid, Group, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/session.tsx';
import { CashierOffices } from './CashierOffices.tsx';
import { DailyClosePanel } from './DailyClosePanel.tsx';
import { DebtPanel } from './DebtPanel.tsx';
import { DrawerPanel, useCurrentDrawer } from './DrawerPanel.tsx';
import { FindSubscription } from './FindSubscription.tsx';

export function CashierScreen() {
  const { t } = useTranslation();
  const drawer = useCurrentDrawer();
  const supervises = useCan('collections.cancel');
  const assignsOffices = useCan('collections.offices');
  const [chosen, setChosen] = useState<{ id: string; label: string } | null>(() => {
    const id = new URLSearchParams(location.search).get('subscription');
    return id ? { id, label: t('cashier.subscriptionN', { id }) } : null;
  });
  const pick = (id: string, label: string) => {
    setChosen({ id, label });
    history.replaceState(null, '', `/cashier?subscription=${encodeURIComponent(id)}`);
  };
  const next = () => {
    setChosen(null);
    history.replaceState(null, '', '/cashier');
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('cashier.title')}
      </Title>
      <Grid>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <DrawerPanel />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          {chosen ? (
            <Stack>
              <Group>
                <Button variant="default" onClick={next}>
                  {t('cashier.next')}
                </Button>
              </Group>
              <DebtPanel key={chosen.id} subscriptionId={chosen.id} label={chosen.label} drawer={drawer.data ?? null} />
            </Stack>
          ) : (
            <FindSubscription onPick={pick} />
          )}
        </Grid.Col>
      </Grid>
      {supervises && <DailyClosePanel />}
      {assignsOffices && <CashierOffices />}
    </Stack>
  );
}
