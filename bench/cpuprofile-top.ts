/**
 * `tsx bench/cpuprofile-top.ts FILE.cpuprofile [--top 30]`: self time per function of a V8 CPU profile
 * (from `npm run bench:media -- --cpu-prof DIR`), busiest first, with its share of the non-idle samples.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
for (const file of positionals) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i] as number);
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    if (!n) continue;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') { if (name === '(program)') self.set(name, (self.get(name) ?? 0) + dt); continue; }
    busy += dt;
    const url = n.callFrame.url.replace(/^.*\/work\/main\//, '');
    const key = `${name} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  const wall = (p.endTime - p.startTime) / 1e6;
  console.log(`\n${file}: ${wall.toFixed(1)} s profiled, ${(busy / 1000).toFixed(2)} s busy (excl. idle/program)`);
  for (const [k, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
    console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${k}`);
  }
}
