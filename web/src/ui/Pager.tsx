/** Previous / next with "page n of m": every list in the console is paged, never a whole table in the browser. */
import { Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function Pager({ page, pages, onPage, label }: { page: number; pages?: number; onPage: (page: number) => void; label?: string }) {
  const { t } = useTranslation();
  return (
    <Group component="nav" aria-label={label ?? t('pager.label')}>
      <Button variant="default" size="compact-sm" disabled={page === 0} onClick={() => onPage(page - 1)}>
        {t('pager.previous')}
      </Button>
      <Text size="sm">{pages === undefined ? t('pager.pageOnly', { page: page + 1 }) : t('pager.page', { page: page + 1, pages: Math.max(1, pages) })}</Text>
      <Button variant="default" size="compact-sm" disabled={pages !== undefined && page + 1 >= pages} onClick={() => onPage(page + 1)}>
        {t('pager.next')}
      </Button>
    </Group>
  );
}

/** Keyset paging (`?before=<id>` lists): next is possible while a full page came back. */
export function KeysetPager({ page, full, onPage, label }: { page: number; full: boolean; onPage: (page: number) => void; label?: string }) {
  const { t } = useTranslation();
  return (
    <Group component="nav" aria-label={label ?? t('pager.label')}>
      <Button variant="default" size="compact-sm" disabled={page === 0} onClick={() => onPage(page - 1)}>
        {t('pager.previous')}
      </Button>
      <Text size="sm">{t('pager.pageOnly', { page: page + 1 })}</Text>
      <Button variant="default" size="compact-sm" disabled={!full} onClick={() => onPage(page + 1)}>
        {t('pager.next')}
      </Button>
    </Group>
  );
}

/** One page of an array the server already bounded (a statement, a user list): the browser pages what it holds. */
export function pageOf<T>(items: readonly T[], page: number, size: number): T[] {
  return items.slice(page * size, page * size + size);
}
