/**
 * A small, strict XML reader for bank statements: elements, attributes, text, CDATA, comments and the five predefined
 * entities plus character references. No XML library is installed and a statement needs nothing more; what it does
 * not need is refused rather than half-supported: a DOCTYPE (so no entity expansion, no external fetch), unbalanced
 * tags, more than 64 levels, more than 200,000 elements. Namespace prefixes are dropped (`ns2:Ntry` is `Ntry`): CAMT
 * files come with and without them. Every refusal is an ABONE_ERR_COLLECTIONS_STATEMENT_INVALID, never a crash.
 */
import { AboneError } from '../../platform/errors.ts';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const MAX_DEPTH = 64;
const MAX_ELEMENTS = 200_000;
const refuse = (reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_STATEMENT_INVALID', { reason });
const NAME = /^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/;

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

function decodeEntities(raw: string, at: number): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]{0,10});?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw refuse(`an unterminated entity near character ${at}`);
    switch (name) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
    }
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(name) ? parseInt(name.slice(2), 16) : /^#[0-9]{1,7}$/.test(name) ? parseInt(name.slice(1), 10) : NaN;
    if (!Number.isInteger(code) || code < 1 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw refuse(`an unknown entity &${name}; near character ${at}`);
    return String.fromCodePoint(code);
  });
}

/** Parses a whole document and returns its root element. */
export function parseXml(source: string): XmlElement {
  if (typeof source !== 'string') throw refuse('the file is not text');
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt === -1 ? n : lt);
    if (chunk.length) {
      if (stack.length) stack[stack.length - 1].text += decodeEntities(chunk, i);
      else if (chunk.trim() !== '') throw refuse(`text outside the root element near character ${i}`);
    }
    if (lt === -1) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) throw refuse('an unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end === -1 || !stack.length) throw refuse('a CDATA section outside an element or unterminated');
      stack[stack.length - 1].text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end === -1) throw refuse('an unterminated processing instruction');
      i = end + 2;
    } else if (text.startsWith('<!', i)) {
      throw refuse('a DOCTYPE or declaration; statements carry none');
    } else if (text.startsWith('</', i)) {
      const end = text.indexOf('>', i);
      if (end === -1) throw refuse('an unterminated closing tag');
      const name = text.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || localName(name) !== open.name) throw refuse(`closing tag </${name.slice(0, 40)}> does not match near character ${i}`);
      i = end + 1;
    } else {
      const end = findTagEnd(text, i);
      const selfClosing = text[end - 1] === '/';
      const inner = text.slice(i + 1, selfClosing ? end - 1 : end);
      const element = openTag(inner, i);
      if (++count > MAX_ELEMENTS) throw refuse(`more than ${MAX_ELEMENTS} elements`);
      if (stack.length) stack[stack.length - 1].children.push(element);
      else if (root) throw refuse('more than one root element');
      else root = element;
      if (!selfClosing) {
        stack.push(element);
        if (stack.length > MAX_DEPTH) throw refuse(`elements nested deeper than ${MAX_DEPTH}`);
      }
      i = end + 1;
    }
  }
  if (stack.length) throw refuse(`element <${stack[stack.length - 1].name}> is not closed`);
  if (!root) throw refuse('no root element: the file is empty or not XML');
  return root;
}

/** The `>` ending a start tag, skipping quoted attribute values (they may hold `>`). */
function findTagEnd(text: string, from: number): number {
  let quote = '';
  for (let j = from + 1; j < text.length; j++) {
    const ch = text[j];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '<') break;
    else if (ch === '>') return j;
  }
  throw refuse(`an unterminated start tag near character ${from}`);
}

function openTag(inner: string, at: number): XmlElement {
  const m = /^([^\s/>]+)\s*([\s\S]*)$/.exec(inner);
  if (!m || !NAME.test(m[1])) throw refuse(`a malformed tag near character ${at}`);
  const attrs: Record<string, string> = {};
  let rest = m[2].trim();
  while (rest.length) {
    const a = /^([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')\s*/.exec(rest);
    if (!a || !NAME.test(a[1])) throw refuse(`a malformed attribute near character ${at}`);
    attrs[localName(a[1])] = decodeEntities(a[3] ?? a[4], at);
    rest = rest.slice(a[0].length);
  }
  return { name: localName(m[1]), attrs, children: [], text: '' };
}

/** The first child at the end of a path of element names (`child(e, 'Acct', 'Id', 'IBAN')`). */
export function child(e: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let at = e;
  for (const name of path) {
    at = at?.children.find((c) => c.name === name);
    if (!at) return undefined;
  }
  return at;
}

/** Every child with this name. */
export function children(e: XmlElement | undefined, name: string): XmlElement[] {
  return e ? e.children.filter((c) => c.name === name) : [];
}

/** The trimmed text at a path, or undefined when the element is missing or empty. */
export function textAt(e: XmlElement | undefined, ...path: string[]): string | undefined {
  const t = child(e, ...path)?.text.trim();
  return t ? t : undefined;
}
