/** The Aboneler screen: a party search (PartySearch.tsx) whose question stays in the URL, so a reload or a shared link asks it again. */
import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PartySearch } from './PartySearch.tsx';

export function SubscriberSearch() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('subscribers.title')}
      </Title>
      <PartySearch
        initial={new URLSearchParams(location.search).get('q') ?? ''}
        onSearch={(q) => history.replaceState(null, '', `/subscribers?q=${encodeURIComponent(q)}`)}
      />
    </Stack>
  );
}
