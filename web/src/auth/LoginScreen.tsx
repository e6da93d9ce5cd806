import { useState, type FormEvent } from 'react';
import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLogin } from './session.tsx';
import { LanguageSwitch } from '../layout/LanguageSwitch.tsx';

/** Username and password against `POST /api/v1/auth/login`; the server sets an HttpOnly session cookie. */
export function LoginScreen() {
  const { t } = useTranslation();
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center h="100vh">
      <Paper component="main" withBorder p="xl" w={360}>
        <form onSubmit={submit}>
          <Stack>
            <Title order={1} size="h3">
              {t('login.title')}
            </Title>
            <TextInput label={t('login.username')} name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} />
            <PasswordInput label={t('login.password')} name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            {error && (
              <Alert color="red" role="alert">
                {t('login.failed', { message: error })}
              </Alert>
            )}
            <Button type="submit" loading={busy}>
              {t('login.submit')}
            </Button>
            <LanguageSwitch />
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
