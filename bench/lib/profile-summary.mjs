// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function, the top ones, as text.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function summariseProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMicros = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  }
  const byFunction = new Map();
  let total = 0;
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    total += micros;
  }
  const busy = total - (byFunction.get('(idle)') ?? 0);
  const lines = [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, micros]) => {
      const share = name === '(idle)' ? '' : ` ${((100 * micros) / busy).toFixed(1).padStart(5)}% of busy`;
      return `${(micros / 1000).toFixed(0).padStart(8)} ms${share}  ${name}`;
    });
  const byPackage = new Map();
  for (const [name, micros] of byFunction) {
    if (name === '(idle)') continue;
    const pkg = packageOf(name);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
  }
  const packages = [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(
      ([pkg, micros]) =>
        `${(micros / 1000).toFixed(0).padStart(8)} ms ${((100 * micros) / busy).toFixed(1).padStart(5)}% of busy  ${pkg}`,
    );
  return [
    `${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`,
    '',
    'Top functions by self time:',
    ...lines,
    '',
    'Self time by package (node_modules/<package>, dist/<app or lib>, or Node and V8 internals):',
    ...packages,
    '',
  ].join('\n');
}

function shorten(url) {
  const i = url.indexOf('node_modules/');
  if (i >= 0) return url.slice(i);
  const d = url.indexOf('/dist/');
  return d >= 0 ? url.slice(d + 1) : url.replace(/^file:\/\//, '');
}

function packageOf(name) {
  const where = name.slice(name.lastIndexOf(' ') + 1);
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where);
  if (modules) return modules[1];
  const dist = /^dist\/((?:apps|libs)\/[^/]+)/.exec(where);
  if (dist) return dist[1];
  if (name.startsWith('(')) return name.slice(0, name.indexOf(')') + 1);
  return 'node internals and native';
}
