/** Reads RTP payloads out of a classic libpcap file (Ethernet/IPv4/UDP), as SIPp's sample pcaps are. */
import { readFileSync } from 'node:fs';

export interface PcapRtp {
  pt: number;
  seq: number;
  payload: Buffer;
}

export function readPcapRtp(path: string): PcapRtp[] {
  const d = readFileSync(path);
  const le = d.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (o: number): number => (le ? d.readUInt32LE(o) : d.readUInt32BE(o));
  const link = u32(20);
  const l2 = link === 1 ? 14 : link === 113 ? 16 : 4;
  const out: PcapRtp[] = [];
  for (let off = 24; off + 16 <= d.length;) {
    const incl = u32(off + 8);
    const pkt = d.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    const ihl = ((pkt[l2] ?? 0x45) & 0x0f) * 4;
    const rtp = pkt.subarray(l2 + ihl + 8);
    if (rtp.length < 12) continue;
    out.push({ pt: (rtp[1] as number) & 0x7f, seq: rtp.readUInt16BE(2), payload: Buffer.from(rtp.subarray(12)) });
  }
  return out;
}

/** ITU-T G.711 A-law expansion, written from the standard's segment rule (independent of src/media's tables). */
export function alawToLinear(a: number): number {
  const v = a ^ 0x55;
  const seg = (v >> 4) & 7;
  const mant = v & 0x0f;
  const mag = seg === 0 ? (mant << 4) + 8 : ((mant << 4) + 0x108) << (seg - 1);
  return v & 0x80 ? mag : -mag;
}
