/**
 * i18next set up for the console: Turkish first, English one click away, the choice remembered in the browser.
 * Turkish case and sorting rules live in turkish.ts; every visible string goes through `t()`.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { tr } from './tr.ts';
import { en } from './en.ts';

export const LANGUAGES = ['tr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'abone.language';

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
const initial: Language = stored === 'en' ? 'en' : 'tr';

void i18n.use(initReactI18next).init({
  resources: { tr: { translation: tr }, en: { translation: en } },
  lng: initial,
  fallbackLng: 'tr',
  interpolation: { escapeValue: false }, // React escapes
});
document.documentElement.lang = initial;

export function setLanguage(lng: Language): void {
  void i18n.changeLanguage(lng);
  localStorage.setItem(STORAGE_KEY, lng);
  document.documentElement.lang = lng;
}

export default i18n;
