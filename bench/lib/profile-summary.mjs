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
  const idle = ['(idle)', '(program)', '(garbage collector)'];
  const busy = total - [...byFunction].filter(([k]) => k === '(idle)').reduce((s, [, v]) => s + v, 0);
  const lines = [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, micros]) => {
      const share =
        idle.includes(name) && name === '(idle)' ? '' : ` ${((100 * micros) / busy).toFixed(1).padStart(5)}% of busy`;
      return `${(micros / 1000).toFixed(0).padStart(8)} ms${share}  ${name}`;
    });
  return [
    `${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`,
    ...lines,
    '',
  ].join('\n');
}

function shorten(url) {
  const i = url.indexOf('node_modules/');
  if (i >= 0) return url.slice(i);
  const d = url.indexOf('/dist/');
  return d >= 0 ? url.slice(d + 1) : url.replace(/^file:\/\//, '');
}
