/** A refused or failed request, shown where it happened, with the server's message (and its stable code). */
import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';

export function ErrorText({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const message = error instanceof ApiError ? `${error.message} (${error.code})` : (error as Error).message;
  return (
    <Text c="red.9" role="alert">
      {t('app.error', { message })}
    </Text>
  );
}
