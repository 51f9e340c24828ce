/**
 * The part of drachtio-fsmrf 4.1.2 (which ships no types) that the drachtio engine uses, typed from its
 * source (lib/mrf.js, lib/mediaserver.js, lib/endpoint.js).
 */
declare module 'drachtio-fsmrf' {
  import type { EventEmitter } from 'node:events';
  import type Srf from 'drachtio-srf';

  namespace Mrf {
    interface ConnectOptions {
      address: string;
      port?: number;
      secret?: string;
      /** Where FreeSWITCH's outbound event socket connects back to us (default: the first non-internal IPv4). */
      listenAddress?: string;
      listenPort?: number;
      advertisedAddress?: string;
      advertisedPort?: number;
      profile?: string;
    }

    interface ForkAudioOptions {
      wsUrl: string;
      mixType?: 'mono' | 'mixed' | 'stereo';
      sampling?: string;
      bugname?: string;
      metadata?: string | Record<string, unknown>;
      bidirectionalAudio?: { enabled?: string; streaming?: string; sampleRate?: string };
    }

    interface DtmfEvent {
      dtmf: string;
      duration?: string;
      source?: string;
    }

    interface Endpoint extends EventEmitter {
      readonly uuid: string;
      readonly local: { sdp: string; mediaIp?: string; mediaPort?: string };
      readonly remote: { sdp: string; mediaIp?: string; mediaPort?: string };
      readonly dialog: Srf.Dialog;
      readonly connected: boolean;
      modify(sdp: string): Promise<unknown>;
      bridge(other: Endpoint | string): Promise<unknown>;
      unbridge(): Promise<unknown>;
      play(file: string | string[]): Promise<unknown>;
      api(command: string, args?: string | string[]): Promise<unknown>;
      execute(app: string, arg?: string): Promise<unknown>;
      forkAudioStart(opts: ForkAudioOptions): Promise<void>;
      forkAudioStop(bugname?: string, metadata?: string | Record<string, unknown>): Promise<void>;
      destroy(): Promise<void>;
      on(event: 'dtmf', cb: (ev: DtmfEvent) => void): this;
      on(event: 'destroy', cb: () => void): this;
      on(event: string, cb: (...args: unknown[]) => void): this;
    }

    interface MediaServer extends EventEmitter {
      readonly address: string;
      maxSessions: number;
      currentSessions: number;
      connected(): boolean;
      createEndpoint(opts?: { remoteSdp?: string; codecs?: string | string[]; headers?: Record<string, string> }): Promise<Endpoint>;
      api(command: string): Promise<string>;
      disconnect(): void;
      on(event: 'end' | 'error' | 'ready' | 'connect', cb: (err?: Error) => void): this;
    }
  }

  class Mrf extends EventEmitter {
    constructor(srf: Srf, opts?: { debugDir?: string; debugSendonly?: boolean; customEvents?: string[] });
    connect(opts: Mrf.ConnectOptions): Promise<Mrf.MediaServer>;
  }

  export = Mrf;
}
