/** What Switchboard's UAS implements: methods, option tags, body types (RFC 3261 §8.2, §20.5, §20.37). */
import type { UasCapabilities } from './validate.js';

export const UAS_CAPABILITIES: UasCapabilities = {
  allow: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'INFO', 'UPDATE', 'REFER', 'NOTIFY'],
  supported: ['timer', 'replaces', 'norefersub'],
  accept: {
    INVITE: ['application/sdp', 'multipart/mixed'],
    UPDATE: ['application/sdp', 'multipart/mixed'],
    ACK: ['application/sdp', 'multipart/mixed'],
    INFO: ['application/dtmf-relay', 'application/dtmf', 'application/media_control+xml'],
    NOTIFY: ['message/sipfrag'],
  },
};
