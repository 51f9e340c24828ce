/**
 * `tsx bench/micro/srtp.ts`: ns per protect / unprotect of a 172-octet RTP packet (12-octet header +
 * 160 octets of PCMU, one 20 ms frame) for each SRTP suite, plus SRTCP for a 52-octet compound
 * packet. Prints a table and writes bench/results/srtp.json.
 *
 *   npx tsx bench/micro/srtp.ts --iterations 20000
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SRTP_SUITE_NAMES, generateCryptoKey } from '../../src/sdp/index.js';
import { createSrtpContexts } from '../../src/media/srtp/index.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '20000' } } });
const iterations = Math.max(1000, Number(values.iterations));
const WARMUP = 2000;
const SSRC = 0x12345678;

function rtp(seq: number): Buffer {
  const p = Buffer.alloc(172, 0xd5);
  p[0] = 0x80;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE((seq * 160) >>> 0, 4);
  p.writeUInt32BE(SSRC, 8);
  return p;
}

function rtcp(): Buffer {
  const p = Buffer.alloc(52, 0x11);
  p[0] = 0x81;
  p[1] = 200;
  p.writeUInt16BE(12, 2);
  p.writeUInt32BE(SSRC, 4);
  return p;
}

function nsPerOp(n: number, fn: (i: number) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / n;
}

interface Row {
  suite: string;
  protectRtpNs: number;
  unprotectRtpNs: number;
  protectRtcpNs: number;
  unprotectRtcpNs: number;
}

const rows: Row[] = [];
for (const suite of SRTP_SUITE_NAMES) {
  const a = generateCryptoKey(suite);
  const b = generateCryptoKey(suite);
  const alice = createSrtpContexts({ suite, localKey: a, remoteKey: b });
  const bob = createSrtpContexts({ suite, localKey: b, remoteKey: a });
  const total = WARMUP + iterations;
  const template = rtp(0);
  // protect: one reused RTP buffer whose SEQ advances, as a pacer would send it.
  const sent: Buffer[] = new Array<Buffer>(total);
  for (let i = 0; i < WARMUP; i++) {
    template.writeUInt16BE(i & 0xffff, 2);
    sent[i] = alice.protectRtp(template);
  }
  const protectRtpNs = nsPerOp(iterations, (i) => {
    template.writeUInt16BE((WARMUP + i) & 0xffff, 2);
    sent[WARMUP + i] = alice.protectRtp(template);
  });
  // unprotect: each packet once (a second time would be a replay), in place.
  for (let i = 0; i < WARMUP; i++) bob.unprotectRtp(sent[i]!);
  let failures = 0;
  const unprotectRtpNs = nsPerOp(iterations, (i) => {
    if (typeof bob.unprotectRtp(sent[WARMUP + i]!) === 'string') failures++;
  });
  const report = rtcp();
  const srtcp: Buffer[] = [];
  const rtcpN = Math.min(iterations, 5000);
  for (let i = 0; i < 200; i++) bob.unprotectRtcp(alice.protectRtcp(report));
  const protectRtcpNs = nsPerOp(rtcpN, () => {
    srtcp.push(alice.protectRtcp(report));
  });
  const unprotectRtcpNs = nsPerOp(rtcpN, (i) => {
    if (typeof bob.unprotectRtcp(srtcp[i]!) === 'string') failures++;
  });
  if (failures > 0) throw new Error(`${suite}: ${failures} packets failed to unprotect`);
  rows.push({ suite, protectRtpNs, unprotectRtpNs, protectRtcpNs, unprotectRtcpNs });
}

const pad = (s: string | number, n: number): string => String(s).padStart(n);
console.log(`SRTP, ${iterations} packets of 172 octets (160 PCMU), node ${process.version}`);
console.log(`${'suite'.padEnd(26)}${pad('protect RTP', 14)}${pad('unprotect RTP', 16)}${pad('protect RTCP', 15)}${pad('unprotect RTCP', 17)}`);
for (const r of rows) {
  const ns = (v: number): string => `${v.toFixed(0)} ns`;
  console.log(
    `${r.suite.padEnd(26)}${pad(ns(r.protectRtpNs), 14)}${pad(ns(r.unprotectRtpNs), 16)}${pad(ns(r.protectRtcpNs), 15)}${pad(ns(r.unprotectRtcpNs), 17)}`,
  );
}
const dir = new URL('../results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('srtp.json', dir), `${JSON.stringify({ node: process.version, iterations, rows }, null, 2)}\n`);
