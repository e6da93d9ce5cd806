/**
 * A statement line's reason in the console's language: the text for its code (`statementReason.<code>`) with its
 * parameters, the CSV file line in front when it has one. The server's English sentence stands in when the line has no
 * code (imported before there were codes) or one this console has no text for (a newer server): the clerk always sees
 * why, at worst in English.
 */
import type { i18n as I18n } from 'i18next';

export interface WithReason {
  reason: string | null;
  reasonCode: string | null;
  reasonParams: Record<string, string | number> | null;
}

const CODE = /^[A-Z][A-Z_]*$/; // the codes' shape; keeps `fileLine`, the prefix's key, from being taken for a code

export function reasonText(i18n: Pick<I18n, 't' | 'exists'>, line: WithReason): string {
  const key = `statementReason.${line.reasonCode}`;
  if (!line.reasonCode || !CODE.test(line.reasonCode) || !i18n.exists(key)) return line.reason ?? '—';
  const { fileLine, ...params } = line.reasonParams ?? {};
  const text = i18n.t(key, params);
  return fileLine === undefined ? text : i18n.t('statementReason.fileLine', { fileLine, reason: text });
}
