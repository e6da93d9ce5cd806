import { defineSettings, int, setting } from '../../platform/config.ts';

export const registrySettings = defineSettings('registry', {
  piiRetentionDays: setting('ABONE_PII_RETENTION_DAYS', int(1, 36_500), 3650, 'days after a party is closed before its personal data (name, national id, phone, e-mail, IBAN) is anonymised; checked daily'),
});
