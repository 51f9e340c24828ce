/** What the transaction layer needs from a transport (RFC 3261 §18). */
import type { Endpoint, MessageSource, TransportName } from '../message/sip-message.js';

export interface ListenSpec {
  transport: TransportName;
  host: string;
  port: number;
}

/** Where to send: a transport, an address, and for streams optionally a known connection. */
export interface Destination extends Endpoint {
  connectionId?: string;
  /** TLS: the name to verify the server certificate against. */
  serverName?: string;
}

export interface RawInbound {
  data: Buffer;
  source: MessageSource;
  /** Stream transports already framed the message; datagrams carry one message per packet. */
  framed: boolean;
}

export interface Transport {
  readonly name: TransportName;
  readonly reliable: boolean;
  /** The address and port this transport listens on (after binding, port 0 resolved). */
  readonly local: { address: string; port: number };
  send(data: Buffer, dest: Destination): void;
  close(): Promise<void>;
}

export type InboundHandler = (msg: RawInbound) => void;

export interface TransportErrorReport {
  dest: Destination;
  error: Error;
}
