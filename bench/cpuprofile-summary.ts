/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by function, self time by area (project file, npm
 * package, node internals, GC), and inclusive time of the project's own functions.
 *
 *   node --import tsx bench/cpuprofile-summary.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function shortUrl(url: string): string {
  if (!url) return '';
  const p = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  return p.startsWith(ROOT) ? path.relative(ROOT, p) : p;
}

function fnKey(f: CallFrame): string {
  const where = shortUrl(f.url);
  return `${f.functionName || '(anonymous)'}${where ? ` ${where}:${f.lineNumber + 1}` : ''}`;
}

function area(f: CallFrame): string {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native/builtin)';
  const p = f.url.startsWith('file://') ? fileURLToPath(f.url) : f.url;
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = p.slice(nm + 'node_modules/'.length).split('/');
    return `npm:${parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  if (p.startsWith('node:')) return p.split('/').slice(0, 3).join('/');
  return p.startsWith(ROOT) ? path.relative(ROOT, p) : p;
}

function table(title: string, rows: Array<[string, number]>, total: number, top: number): string {
  const out = [`${title}`, '| ms | % | what |', '|---:|---:|---|'];
  for (const [k, us] of rows.slice(0, top)) out.push(`| ${(us / 1000).toFixed(0)} | ${((us / total) * 100).toFixed(1)} | ${k.replace(/\|/g, '\\|')} |`);
  return out.join('\n');
}

export function summariseProfile(file: string, top = 25): string {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfByNode = new Map<number, number>();
  // Duration of sample i = time to the next sample (DevTools' convention); the last one gets the mean.
  const n = prof.samples.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = i + 1 < n ? prof.timeDeltas[i + 1] : (prof.endTime - prof.startTime) / n;
    const dt = Math.max(0, d);
    selfByNode.set(prof.samples[i], (selfByNode.get(prof.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const selfFn = new Map<string, number>();
  const selfArea = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfByNode) {
    const f = byId.get(id)!.callFrame;
    selfFn.set(fnKey(f), (selfFn.get(fnKey(f)) ?? 0) + us);
    selfArea.set(area(f), (selfArea.get(area(f)) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      const a = area(cf);
      if (!cf.url || a.startsWith('npm:') || a.startsWith('node:')) continue;
      const k = fnKey(cf);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const idle = selfFn.get('(idle)') ?? 0;
  const busy = total - idle;
  return [
    `profile: ${path.basename(file)}, ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy on the main thread (${((busy / total) * 100).toFixed(0)} %), ${n} samples`,
    '',
    table(`Top ${top} functions by self time (% of sampled time):`, sorted(selfFn), total, top),
    '',
    table('Self time by area:', sorted(selfArea), total, 20),
    '',
    table('Inclusive time of project functions:', sorted(inclusive), total, 15),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --import tsx bench/cpuprofile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summariseProfile(file, Number(top ?? 25)));
}
