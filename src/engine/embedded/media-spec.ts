/** From what offer/answer agreed (src/sdp) to what the data plane runs (src/media plane protocol). */
import type { NegotiatedMedia } from '../../sdp/index.js';
import type { MediaApp, MediaSpec } from '../../media/plane/protocol.js';
import type { MediaApplication } from '../engine.js';

export function mediaSpecOf(n: NegotiatedMedia): MediaSpec {
  const spec: MediaSpec = {
    remoteAddress: n.remoteAddress, remotePort: n.remotePort, rtcpPort: n.rtcpPort, rtcpMux: n.rtcpMux,
    payloadType: n.payloadType, codec: n.codec, ptime: n.ptime, direction: n.direction,
  };
  if (n.telephoneEventPt !== undefined) spec.telephoneEventPt = n.telephoneEventPt;
  if (n.srtp) spec.srtp = { suite: n.srtp.suite, localKey: new Uint8Array(n.srtp.localKey), remoteKey: new Uint8Array(n.srtp.remoteKey) };
  return spec;
}

/** The agent is the data plane's `provided` application (the thread's AgentApps supplies it). */
export function toMediaApp(app: MediaApplication): MediaApp {
  return app.kind === 'agent' ? { kind: 'provided' } : app;
}
