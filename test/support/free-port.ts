/** A local port (and the one after it) that nothing listens on, for the demo phone's SIP and RTP. */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * An even port p with p and p + 1 free for both TCP and UDP, from 30000–32766: below Linux's ephemeral range
 * (32768+, where outgoing connections could take it meanwhile) and above the shipped media ports.
 */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = 30000 + 2 * Math.floor(Math.random() * 1384);
    const free = await Promise.all([tcpFree(p), tcpFree(p + 1), udpFree(p), udpFree(p + 1)]);
    if (free.every(Boolean)) return p;
  }
  throw new Error('no free local port pair found in 30000–32767');
}
