/** A streaming PCM16 mono WAV writer (header patched with the final sizes on close). */
import { closeSync, openSync, writeSync } from 'node:fs';

export class WavWriter {
  private fd: number;
  private bytes = 0;

  constructor(path: string, private readonly rate: number) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, this.header(0));
  }

  write(pcm: Int16Array): void {
    if (this.fd < 0) return;
    const b = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    writeSync(this.fd, b);
    this.bytes += b.length;
  }

  close(): void {
    if (this.fd < 0) return;
    writeSync(this.fd, this.header(this.bytes), 0, 44, 0);
    closeSync(this.fd);
    this.fd = -1;
  }

  private header(dataBytes: number): Buffer {
    const h = Buffer.alloc(44);
    h.write('RIFF', 0);
    h.writeUInt32LE(36 + dataBytes, 4);
    h.write('WAVE', 8);
    h.write('fmt ', 12);
    h.writeUInt32LE(16, 16);
    h.writeUInt16LE(1, 20);
    h.writeUInt16LE(1, 22);
    h.writeUInt32LE(this.rate, 24);
    h.writeUInt32LE(this.rate * 2, 28);
    h.writeUInt16LE(2, 32);
    h.writeUInt16LE(16, 34);
    h.write('data', 36);
    h.writeUInt32LE(dataBytes, 40);
    return h;
  }
}
