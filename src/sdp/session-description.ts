/**
 * The data model of an RFC 4566 session description.
 *
 * Values are kept as the text they were written in wherever arithmetic is not needed (session id,
 * times, connection address), so that serialize(parse(x)) gives back x for any description written
 * in the RFC 4566 §5 line order. Lines the model has no field for (u=, e=, p=, z=, k=, a second c=
 * in a media section, unknown letters) are kept verbatim in `otherLines` and written back at the
 * place RFC 4566 §5 gives their letter.
 */

/** RFC 3264 §5.1 / RFC 4566 §6 media direction attributes. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** A line kept verbatim: `<type>=<value>`. */
export interface SdpLine {
  type: string;
  value: string;
}

/** `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 4566 §5.2). */
export interface Origin {
  username: string;
  /** Numeric string; may exceed 2^53, so it is not a number. */
  sessionId: string;
  /** Numeric string; RFC 3264 §8 increments it for each changed description in a session. */
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

/** `c=<nettype> <addrtype> <connection-address>` (RFC 4566 §5.7). The address keeps any /ttl suffix. */
export interface Connection {
  netType: string;
  addrType: string;
  address: string;
}

/** `b=<bwtype>:<bandwidth>` (RFC 4566 §5.8). */
export interface Bandwidth {
  type: string;
  value: number;
}

/** `t=<start-time> <stop-time>` and the `r=` lines that follow it (RFC 4566 §5.9, §5.10). */
export interface Timing {
  start: string;
  stop: string;
  repeats: string[];
}

/** `a=<name>` (property attribute, value undefined) or `a=<name>:<value>` (RFC 4566 §5.13). */
export interface Attribute {
  name: string;
  value?: string;
}

/** An m= section (RFC 4566 §5.14) with its own i=, c=, b= and a= lines. */
export interface MediaDescription {
  /** audio, video, text, application, message or anything else the offerer wrote. */
  type: string;
  port: number;
  /** The `/<number of ports>` suffix of the port, when present. */
  portCount?: number;
  /** RTP/AVP, RTP/SAVP, UDP/TLS/RTP/SAVP, ... */
  protocol: string;
  /** Payload type numbers for RTP profiles, as written. */
  formats: string[];
  information?: string;
  connection?: Connection;
  bandwidths: Bandwidth[];
  attributes: Attribute[];
  otherLines: SdpLine[];
}

export interface SessionDescription {
  /** v= — always 0 (RFC 4566 §5.1). */
  version: number;
  origin: Origin;
  /** s= — may be empty or a single space when the sender had no name for the session. */
  sessionName: string;
  information?: string;
  connection?: Connection;
  bandwidths: Bandwidth[];
  /** t= lines; empty only when a sloppy sender left t= out. */
  timings: Timing[];
  attributes: Attribute[];
  media: MediaDescription[];
  otherLines: SdpLine[];
}
