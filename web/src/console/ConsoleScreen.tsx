/** The operator's console: health and ingest at the top, the live alarm feed below. */
import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { HealthPanel } from './HealthPanel.tsx';
import { AlarmFeed } from './AlarmFeed.tsx';

export function ConsoleScreen() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('nav.console')}
      </Title>
      <HealthPanel />
      <AlarmFeed />
    </Stack>
  );
}
