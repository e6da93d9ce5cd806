/**
 * API tokens: issue one acting as a user (its secret shown once, here), revoke one by its id. The API keeps no list
 * of tokens to browse yet; the audit trail (token.issue / token.revoke) names every one issued.
 */
import { useState } from 'react';
import { Button, Card, Code, Group, NumberInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ErrorText } from '../ui/ErrorText.tsx';

export function TokensPanel() {
  const { t } = useTranslation();
  const [f, setF] = useState({ username: '', name: '', days: 90 as number | string });
  const [issued, setIssued] = useState<{ id: number; token: string } | null>(null);
  const [revokeId, setRevokeId] = useState<number | string>('');
  const [revoked, setRevoked] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const issue = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setIssued(await api<{ id: number; token: string }>('/api/v1/tokens', { method: 'POST', body: { username: f.username.trim(), name: f.name.trim(), days: Number(f.days) } }));
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<{ revoked: boolean }>(`/api/v1/tokens/${Number(revokeId)}`, { method: 'DELETE' });
      setRevoked(r.revoked ? t('admin.tokenRevoked', { id: revokeId }) : t('admin.tokenNotFound', { id: revokeId }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card withBorder component="section" aria-labelledby="tokens-title">
      <Stack>
        <Title order={2} size="h4" id="tokens-title">
          {t('admin.tokens')}
        </Title>
        <form onSubmit={issue} aria-label={t('admin.issueToken')}>
          <Group align="end">
            <TextInput label={t('admin.tokenUser')} required value={f.username} onChange={(e) => setF({ ...f, username: e.currentTarget.value })} />
            <TextInput label={t('admin.tokenName')} required value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} />
            <NumberInput label={t('admin.tokenDays')} min={1} max={3650} value={f.days} onChange={(v) => setF({ ...f, days: v })} w={120} />
            <Button type="submit">{t('admin.issueToken')}</Button>
          </Group>
        </form>
        {issued && (
          <Text size="sm" role="status" data-testid="token-secret">
            {t('admin.tokenIssued', { id: issued.id })} <Code>{issued.token}</Code>
          </Text>
        )}
        <form onSubmit={revoke} aria-label={t('admin.revokeToken')}>
          <Group align="end">
            <NumberInput label={t('admin.tokenId')} min={1} required value={revokeId} onChange={setRevokeId} w={160} />
            <Button type="submit" variant="default">
              {t('admin.revokeToken')}
            </Button>
            {revoked && (
              <Text size="sm" role="status">
                {revoked}
              </Text>
            )}
          </Group>
        </form>
        <ErrorText error={error} />
      </Stack>
    </Card>
  );
}
