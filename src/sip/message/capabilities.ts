/** What Switchboard's UAS implements: methods, option tags, body types (RFC 3261 §8.2, §20.5, §20.37). */
import type { UasCapabilities } from './validate.js';

export const UAS_CAPABILITIES: UasCapabilities = {
  // REFER is sent, not served: a PBX's REFER gets 405 with this Allow (RFC 3261 §20.5); no Replaces support.
  allow: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'INFO', 'UPDATE', 'NOTIFY'],
  supported: ['timer'],
  accept: {
    INVITE: ['application/sdp', 'multipart/mixed'],
    UPDATE: ['application/sdp', 'multipart/mixed'],
    ACK: ['application/sdp', 'multipart/mixed'],
    INFO: ['application/dtmf-relay', 'application/dtmf', 'application/media_control+xml'],
    NOTIFY: ['message/sipfrag'],
  },
};
