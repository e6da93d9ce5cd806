/**
 * A bank statement file taken in: CAMT.053 (XML, which names its own account and statement) or the bank's CSV (the
 * clerk names the statement and the utility's account it came from). The server checks the whole file before it
 * writes anything; the answer says what each statement brought, and the import stays in the list to come back to.
 */
import { useId, useState } from 'react';
import { Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { StatementImport } from '../api/statements.ts';
import { Link } from '../router.tsx';
import { ErrorText } from '../ui/ErrorText.tsx';
import { useAction } from '../ui/useAction.ts';
import { formatMoney } from '../money.ts';

export function ImportForm() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [statementId, setStatementId] = useState('');
  const [accountIban, setAccountIban] = useState('');
  const [done, setDone] = useState<StatementImport[] | null>(null);
  const { busy, error, act } = useAction();
  const isCsv = file !== null && !/\.xml$/i.test(file.name);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    void act(async () => {
      const content = await file.text();
      const body = isCsv ? { format: 'csv', content, statementId: statementId.trim(), accountIban: accountIban.replace(/\s+/g, '').toUpperCase() } : { format: 'camt053', content };
      const answer = await api<{ imports: StatementImport[] }>('/api/v1/statements', { method: 'POST', body });
      setDone(answer.imports);
      await Promise.all(['statements', 'suspense'].map((k) => qc.invalidateQueries({ queryKey: [k] })));
    });
  };
  const m = (s: string) => formatMoney(s, i18n.language);
  return (
    <Card withBorder component="section" aria-labelledby="import-title">
      <Stack>
        <Title order={2} size="h4" id="import-title">
          {t('statements.importTitle')}
        </Title>
        <form onSubmit={submit}>
          <Stack>
            <div>
              <label htmlFor={fileId}>
                <Text size="sm" fw={500}>
                  {t('statements.file')}
                </Text>
              </label>
              <input id={fileId} type="file" accept=".xml,.csv,.txt" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
              <Text size="xs" c="dimmed">
                {t('statements.fileHint')}
              </Text>
            </div>
            {isCsv && (
              <Group align="end">
                <TextInput label={t('statements.statementId')} value={statementId} onChange={(e) => setStatementId(e.currentTarget.value)} required maxLength={60} />
                <TextInput label={t('statements.accountIban')} value={accountIban} onChange={(e) => setAccountIban(e.currentTarget.value)} required maxLength={42} w={320} />
              </Group>
            )}
            <Group>
              <Button type="submit" loading={busy} disabled={!file}>
                {t('statements.import')}
              </Button>
            </Group>
            <ErrorText error={error} />
          </Stack>
        </form>
        {done && (
          <Stack gap="xs" data-testid="import-result" role="status">
            {done.map((s) => (
              <Text key={s.id} size="sm">
                <Link to={`/statements/${s.id}`}>{t('statements.importN', { id: s.statementId })}</Link>{' '}
                {s.replayed
                  ? t('statements.replayed')
                  : t('statements.brought', { matched: m(s.totals.matched), matchedLines: s.totals.matchedLines, suspense: m(s.totals.suspense), suspenseLines: s.totals.suspenseLines, refusedLines: s.totals.refusedLines })}
              </Text>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
