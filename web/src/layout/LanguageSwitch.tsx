import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { setLanguage } from '../i18n/index.ts';

/** One click to the other language; the button names the language it switches to, in that language. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const other = i18n.language === 'en' ? 'tr' : 'en';
  return (
    <Button variant="subtle" size="compact-sm" lang={other} aria-label={`${t('app.language')}: ${t('app.switchTo')}`} onClick={() => setLanguage(other)}>
      {t('app.switchTo')}
    </Button>
  );
}
