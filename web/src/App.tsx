/** The console: the login screen until there is a session, then the shell with the screen the path names. */
import { lazy, Suspense } from 'react';
import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { SessionProvider, useMeQuery } from './auth/session.tsx';
import { LoginScreen } from './auth/LoginScreen.tsx';
import { Shell } from './layout/Shell.tsx';
import { usePath } from './router.tsx';
import { ConsoleScreen } from './console/ConsoleScreen.tsx';
import { MetersScreen } from './meters/MetersScreen.tsx';
import { MeterScreen } from './meters/MeterScreen.tsx';
import { WorkOrdersScreen } from './work-orders/WorkOrdersScreen.tsx';
import { SubscriberSearch } from './subscribers/SubscriberSearch.tsx';
import { SubscriberScreen } from './subscribers/SubscriberScreen.tsx';
import { BillingScreen } from './billing/BillingScreen.tsx';
import { RunScreen } from './billing/RunScreen.tsx';
import { AdminScreen } from './admin/AdminScreen.tsx';
import { CashierScreen } from './cashier/CashierScreen.tsx';
import { StatementsScreen } from './statements/StatementsScreen.tsx';
import { StatementScreen } from './statements/StatementScreen.tsx';
import { DirectDebitScreen } from './direct-debit/DirectDebitScreen.tsx';
import { OrderScreen as DirectDebitOrderScreen } from './direct-debit/OrderScreen.tsx';
import { ListScreen as DirectDebitListScreen } from './direct-debit/ListScreen.tsx';
import { useCan } from './auth/session.tsx';
import { ErrorText } from './ui/ErrorText.tsx';

// MapLibre is most of the bundle: fetched only when the map is first opened.
const MapScreen = lazy(() => import('./map/MapScreen.tsx'));

export function App() {
  const me = useMeQuery();
  const { t } = useTranslation();
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader role="status" aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (!me.data) return <LoginScreen />;
  return (
    <SessionProvider me={me.data}>
      <Shell>
        <Suspense fallback={<Loader role="status" aria-label={t('app.loading')} />}>
          <Screen />
        </Suspense>
      </Shell>
    </SessionProvider>
  );
}

/**
 * The screen the path names, if the user's roles allow it; a screen they may not use is not in their navigation, and
 * typed in by hand it says so instead of showing a page of refusals (the server refuses its data anyway).
 */
function Screen() {
  const path = usePath();
  const can = {
    meters: useCan('meters.read'),
    orders: useCan('workorders.read'),
    parties: useCan('parties.read'),
    billing: useCan('billing.read'),
    desk: useCan('collections.take'),
    statements: useCan('collections.statements'),
    directDebit: useCan('collections.direct_debit'),
    users: useCan('users.manage'),
    devices: useCan('devices.credentials'),
  };
  const m = (re: RegExp) => re.exec(path);
  let meter, party, run, statement, ddOrder, ddList;
  if ((meter = m(/^\/meters\/([^/]+)$/))) return can.meters ? <MeterScreen serial={decodeURIComponent(meter[1])} /> : <NotAllowed />;
  if (path === '/meters') return can.meters ? <MetersScreen /> : <NotAllowed />;
  if (path === '/map') return can.meters ? <MapScreen /> : <NotAllowed />;
  if (path === '/work-orders') return can.orders ? <WorkOrdersScreen /> : <NotAllowed />;
  if (path === '/subscribers') return can.parties ? <SubscriberSearch /> : <NotAllowed />;
  if ((party = m(/^\/subscribers\/(\d+)$/))) return can.parties ? <SubscriberScreen key={party[1]} id={Number(party[1])} /> : <NotAllowed />;
  if (path === '/billing') return can.billing ? <BillingScreen /> : <NotAllowed />;
  if ((run = m(/^\/billing\/runs\/(\d+)$/))) return can.billing ? <RunScreen key={run[1]} id={Number(run[1])} /> : <NotAllowed />;
  if (path === '/cashier') return can.desk ? <CashierScreen /> : <NotAllowed />;
  if (path === '/statements') return can.statements ? <StatementsScreen /> : <NotAllowed />;
  if ((statement = m(/^\/statements\/(\d+)$/))) return can.statements ? <StatementScreen key={statement[1]} id={Number(statement[1])} /> : <NotAllowed />;
  if (path === '/direct-debit') return can.directDebit ? <DirectDebitScreen /> : <NotAllowed />;
  if ((ddOrder = m(/^\/direct-debit\/orders\/(\d+)$/))) return can.directDebit ? <DirectDebitOrderScreen key={ddOrder[1]} id={Number(ddOrder[1])} /> : <NotAllowed />;
  if ((ddList = m(/^\/direct-debit\/lists\/(\d+)$/))) return can.directDebit ? <DirectDebitListScreen key={ddList[1]} id={Number(ddList[1])} /> : <NotAllowed />;
  if (path === '/admin') return can.users || can.devices ? <AdminScreen /> : <NotAllowed />;
  return <ConsoleScreen />;
}

function NotAllowed() {
  const { t } = useTranslation();
  return <ErrorText error={new Error(t('app.notAllowed'))} />;
}
