/**
 * Micro-benchmark of the per-packet receive path (`npx tsx bench/micro/rtp-hot-path.ts`): readRtpHeader,
 * RtpReceiveStats.update, JitterBuffer push + pop, and writeRtpHeader. Prints ns/op (median of 5 runs).
 * Budget context: ~20 µs of CPU per packet in total, socket and SRTP included.
 */
import { JitterBuffer } from '../../src/media/jitter-buffer.js';
import { createRtpHeaderView, readRtpHeader, writeRtpHeader } from '../../src/media/rtp/rtp-packet.js';
import { RtpReceiveStats } from '../../src/media/rtp/rtp-receive-stats.js';

const N = Number(process.argv[2] ?? 1_000_000);

function measure(name: string, fn: (n: number) => number): void {
  fn(Math.min(N, 100_000)); // warm up (JIT)
  const runs: number[] = [];
  let sink = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    sink += fn(N);
    runs.push(Number(process.hrtime.bigint() - t0) / N);
  }
  runs.sort((a, b) => a - b);
  console.log(`${name.padEnd(34)} ${runs[2]!.toFixed(1).padStart(7)} ns/op   (sink ${sink & 0xff})`);
}

const packet = Buffer.alloc(172);
writeRtpHeader(packet, 0, { pt: 0, seq: 1, ts: 160, ssrc: 0x12345678, marker: false });
const view = createRtpHeaderView();

measure('readRtpHeader (172 B, reused view)', (n) => {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    packet[3] = i & 0xff;
    const h = readRtpHeader(packet, view);
    if (h) acc += h.seq + h.payloadLength;
  }
  return acc;
});

const fields = { pt: 0, seq: 0, ts: 0, ssrc: 0x12345678, marker: false };
measure('writeRtpHeader', (n) => {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    fields.seq = i;
    fields.ts = i * 160;
    acc += writeRtpHeader(packet, 0, fields);
  }
  return acc;
});

measure('RtpReceiveStats.update', (n) => {
  const stats = new RtpReceiveStats({ clockRate: 8000 });
  let acc = 0;
  for (let i = 0; i < n; i++) acc += stats.update(0x1234, i & 0xffff, (i * 160) >>> 0, i * 20 + (i & 3));
  return acc + stats.jitter;
});

const payload = packet.subarray(12);
measure('JitterBuffer push + pop', (n) => {
  const jb = new JitterBuffer();
  let acc = 0;
  for (let i = 0; i < n; i++) {
    jb.push(i & 0xffff, (i * 160) >>> 0, payload, i * 20 + (i % 7));
    const r = jb.pop(i * 20 + 10);
    if (r.kind === 'frame') acc++;
  }
  return acc;
});
