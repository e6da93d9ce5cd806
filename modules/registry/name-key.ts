/**
 * The search key of a name. Decision: fold case AND diacritics, so `İSMAİL`, `ismail`, `ISMAIL` and `ısmaıl` are
 * one key, and `şükrü` finds `SUKRU` as well as `ŞÜKRÜ`.
 *
 * Why fold diacritics too: names reach the registry from many hands. Legacy systems, bank and PTT files and
 * foreign keyboards write `SUKRU` or `ISMAIL` for `ŞÜKRÜ` or `İSMAİL`; a clerk at the counter must find the
 * subscriber however either side typed it. The price, a few extra hits where Turkish tells letters apart
 * (`sık` and `sik`, `ılgın` and `ilgin`), is paid in a short, masked result list; a missed subscriber costs more.
 *
 * How: lower-case without locale rules after decomposing (NFD), so İ becomes I + dot above, then drop every
 * combining mark (ş→s, ğ→g, ü→u, ö→o, ç→c, â→a, î→i, û→u) and map the dotless ı to i. Marks inside words
 * (`A.Ş.`, `O'Neil`) vanish so `AŞ` finds `A.Ş.`; other punctuation separates words; spaces collapse.
 * The same function folds stored names (party.name_key) and queries, so they always agree.
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ı/g, 'i')
    .replace(/[.'’`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
