/**
 * A minimal media endpoint used until the full media session exists: it binds the negotiated RTP port and
 * reflects every RTP packet to where media actually comes from (symmetric RTP), so a caller hears themself
 * and PBX media-timeout checks see traffic. No decoding; SRTP packets are reflected as they are, which the
 * peer's SRTP replay protection rejects — that is fine for signalling tests, and the media issue replaces it.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { PortPool } from './port-pool.js';

export class EchoEndpoint {
  private socket?: Socket;
  port = 0;
  packets = 0;
  private closed = false;

  constructor(private readonly pool: PortPool, private readonly host: string) {}

  async open(): Promise<number> {
    // Ports held by other processes are skipped: try a few before giving up.
    for (let attempt = 0; attempt < 8; attempt++) {
      const port = this.pool.take();
      const socket = createSocket(isIPv6(this.host) ? 'udp6' : 'udp4');
      const ok = await new Promise<boolean>((resolve) => {
        socket.once('error', () => resolve(false));
        socket.bind(port, this.host, () => resolve(true));
      });
      if (!ok) {
        socket.close();
        this.pool.release(port);
        continue;
      }
      socket.on('error', () => undefined);
      socket.on('message', (msg, rinfo) => {
        this.packets++;
        if (!this.closed) socket.send(msg, rinfo.port, rinfo.address);
      });
      this.socket = socket;
      this.port = port;
      return port;
    }
    throw new Error('no bindable media port');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.socket) {
      this.socket.close();
      this.pool.release(this.port);
    }
  }
}
