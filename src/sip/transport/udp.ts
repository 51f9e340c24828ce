/** UDP transport (RFC 3261 §18.1.1, §18.2.1): one socket per listener, one message per datagram. */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Destination, InboundHandler, ListenSpec, Transport } from './transport.js';

export class UdpTransport implements Transport {
  readonly name = 'udp' as const;
  readonly reliable = false;
  local = { address: '', port: 0 };
  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
  }

  static async listen(spec: ListenSpec, onMessage: InboundHandler, onError: (e: Error) => void): Promise<UdpTransport> {
    const socket = createSocket({ type: isIPv6(spec.host) ? 'udp6' : 'udp4', reuseAddr: false });
    const t = new UdpTransport(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(spec.port, spec.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const addr = socket.address();
    t.local = { address: addr.address, port: addr.port };
    socket.on('error', onError);
    socket.on('message', (data, rinfo) => {
      onMessage({
        data,
        framed: false,
        source: { transport: 'udp', address: rinfo.address, port: rinfo.port, localAddress: t.local.address, localPort: t.local.port },
      });
    });
    return t;
  }

  send(data: Buffer, dest: Destination): void {
    this.socket.send(data, dest.port, dest.address);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
