/**
 * Makes the due-date collection list for a bank and a day: every active order of that bank, each open item due that
 * day. The server makes it once; asked again it answers the same list, so a second click only opens it.
 */
import { useState } from 'react';
import { Button, Group, Stack, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { navigate } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { useAction } from '../ui/useAction.ts';
import { businessToday } from '../turkish.ts';

export function BuildListForm() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [bank, setBank] = useState('');
  const [dueDate, setDueDate] = useState(businessToday);
  const { busy, error, act } = useAction();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const list = await api<{ id: number }>('/api/v1/direct-debit/lists', { method: 'POST', body: { bank: bank.trim(), dueDate } });
      await qc.invalidateQueries({ queryKey: ['dd-lists'] });
      navigate(`/direct-debit/lists/${list.id}`);
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="dd-build-title">
      <Stack gap="xs">
        <Title order={3} size="h5" id="dd-build-title">
          {t('directDebit.buildTitle')}
        </Title>
        <Group align="end">
          <TextInput label={t('directDebit.bankCode')} value={bank} onChange={(e) => setBank(e.currentTarget.value)} required pattern="[0-9]{4,5}" maxLength={5} w={160} />
          <TextInput label={t('directDebit.dueDate')} type="date" value={dueDate} onChange={(e) => setDueDate(e.currentTarget.value)} required w={180} />
          <Button type="submit" loading={busy}>
            {t('directDebit.build')}
          </Button>
        </Group>
        <ErrorText error={error} />
      </Stack>
    </form>
  );
}
