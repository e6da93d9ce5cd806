/**
 * The bank's result file for a list, sent as it came (CSV) to the route that reads it whole before writing anything.
 * The answer is shown as what it did: lines applied now (paid, not paid), lines it already had (the same file sent
 * again), and lines refused because they answer differently from what was recorded first.
 */
import { useId, useState } from 'react';
import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { CollectionList, ResultAnswer } from '../api/direct-debit.ts';
import { ErrorText } from '../ui/ErrorText.tsx';
import { useAction } from '../ui/useAction.ts';

export function ResultUpload({ list }: { list: CollectionList }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [answers, setAnswers] = useState<ResultAnswer[] | null>(null);
  const { busy, error, act } = useAction();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    void act(async () => {
      setAnswers(null);
      const content = await file.text();
      const answer = await api<{ lines: ResultAnswer[] }>(`/api/v1/direct-debit/lists/${list.id}/results.csv?bank=${list.bank}`, { method: 'POST', body: content, contentType: 'text/csv' });
      setAnswers(answer.lines);
      await qc.invalidateQueries({ queryKey: ['dd-lists'] });
    });
  };
  const recorded = answers?.filter((a) => a.status === 'recorded') ?? [];
  const unchanged = answers?.filter((a) => a.status === 'unchanged') ?? [];
  const conflicts = answers?.filter((a) => a.status === 'conflict') ?? [];
  return (
    <Card withBorder component="section" aria-labelledby="dd-result-title">
      <form onSubmit={submit}>
        <Stack>
          <Title order={2} size="h4" id="dd-result-title">
            {t('directDebit.resultTitle')}
          </Title>
          <div>
            <label htmlFor={fileId}>
              <Text size="sm" fw={500}>
                {t('directDebit.resultFile')}
              </Text>
            </label>
            <input id={fileId} type="file" accept=".csv,.txt" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
            <Text size="xs" c="dimmed">
              {t('directDebit.resultHint')}
            </Text>
          </div>
          <Group>
            <Button type="submit" loading={busy} disabled={!file}>
              {t('directDebit.upload')}
            </Button>
          </Group>
          <ErrorText error={error} />
          {answers && (
            <Stack gap={4} role="status" data-testid="dd-result-answer">
              <Text size="sm">{t('directDebit.applied', { paid: recorded.filter((a) => a.outcome === 'paid').length, failed: recorded.filter((a) => a.outcome === 'failed').length })}</Text>
              {unchanged.length > 0 && <Text size="sm">{t('directDebit.unchanged', { count: unchanged.length })}</Text>}
              {conflicts.length > 0 && (
                <Text size="sm" c="red.9">
                  {t('directDebit.conflicts', { count: conflicts.length, lines: conflicts.map((a) => a.line).join(', ') })}
                </Text>
              )}
            </Stack>
          )}
        </Stack>
      </form>
    </Card>
  );
}
