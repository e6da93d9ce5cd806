/**
 * Bank statements (the back office's wire transfers): take a bank's statement file in, see what each import brought
 * and come back to it, and work the suspense queue of money no subscriber could be found for.
 */
import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ImportForm } from './ImportForm.tsx';
import { ImportsList } from './ImportsList.tsx';
import { SuspenseQueue } from './SuspenseQueue.tsx';

export function StatementsScreen() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('statements.title')}
      </Title>
      <ImportForm />
      <SuspenseQueue />
      <ImportsList />
    </Stack>
  );
}
