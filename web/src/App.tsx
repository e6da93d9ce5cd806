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

function Screen() {
  const path = usePath();
  const meter = /^\/meters\/([^/]+)$/.exec(path);
  if (meter) return <MeterScreen serial={decodeURIComponent(meter[1])} />;
  if (path === '/meters') return <MetersScreen />;
  if (path === '/map') return <MapScreen />;
  return <ConsoleScreen />;
}
