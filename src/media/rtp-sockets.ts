/** Binding the RTP socket on an even port and RTCP on the next odd one (RFC 3550 §11). */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

export interface RtpSockets {
  rtp: Socket;
  rtcp: Socket;
}

function bind(host: string, port: number): Promise<Socket | undefined> {
  const family = isIPv6(host) ? 6 : 4;
  const s = createSocket({
    type: family === 6 ? 'udp6' : 'udp4',
    lookup: (address: string, _o: unknown, cb: (err: Error | null, address: string, family: number) => void) => cb(null, address, family),
  } as Parameters<typeof createSocket>[0]);
  return new Promise((resolve) => {
    s.once('error', () => {
      s.close();
      resolve(undefined);
    });
    s.bind(port, host, () => {
      s.removeAllListeners('error');
      s.on('error', () => undefined); // ICMP errors on send must not crash the worker
      resolve(s);
    });
  });
}

export async function bindRtpPair(host: string, port: number): Promise<RtpSockets | undefined> {
  const rtp = await bind(host, port);
  if (!rtp) return undefined;
  const rtcp = await bind(host, port + 1);
  if (!rtcp) {
    rtp.close();
    return undefined;
  }
  return { rtp, rtcp };
}
