import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  getDirection,
  getFmtp,
  getMaxPtime,
  getPtime,
  getRtcp,
  getRtpMap,
  getRtpMaps,
  hasRtcpMux,
  parseRtpMap,
  setDirection,
} from '../../../src/sdp/media-attributes.js';
import { parseSdp } from '../../../src/sdp/parse.js';
import type { MediaDescription } from '../../../src/sdp/session-description.js';
import { ASTERISK_OFFER, BARESIP_SRTP_OFFER, FREESWITCH_OFFER, sdp } from './sdp-fixtures.js';

function firstMedia(text: string): MediaDescription {
  const m = parseSdp(text).media[0];
  assert.ok(m);
  return m;
}

describe('media attribute accessors', () => {
  it('reads every rtpmap of the Asterisk offer, G.722 with its 8000 Hz RTP clock', () => {
    const maps = getRtpMaps(firstMedia(ASTERISK_OFFER));
    assert.deepEqual([...maps.values()], [
      { payloadType: 0, encodingName: 'PCMU', clockRate: 8000 },
      { payloadType: 8, encodingName: 'PCMA', clockRate: 8000 },
      { payloadType: 9, encodingName: 'G722', clockRate: 8000 },
      { payloadType: 101, encodingName: 'telephone-event', clockRate: 8000 },
    ]);
  });

  it('falls back to the RFC 3551 static payload types when there is no rtpmap', () => {
    const m = firstMedia(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 9 18'));
    assert.deepEqual(getRtpMap(m, 9), { payloadType: 9, encodingName: 'G722', clockRate: 8000 });
    assert.deepEqual(getRtpMap(m, 18), { payloadType: 18, encodingName: 'G729', clockRate: 8000 });
    assert.equal(getRtpMap(m, 96), undefined);
  });

  it('reads channels and refuses malformed rtpmaps', () => {
    assert.deepEqual(parseRtpMap('96 opus/48000/2'), {
      payloadType: 96,
      encodingName: 'opus',
      clockRate: 48000,
      channels: 2,
    });
    assert.equal(parseRtpMap('96 opus'), undefined);
    assert.equal(parseRtpMap('128 PCMU/8000'), undefined);
    assert.equal(parseRtpMap('x PCMU/8000'), undefined);
    assert.equal(parseRtpMap('0 PCMU/0'), undefined);
    assert.equal(parseRtpMap('0 /8000'), undefined);
    assert.equal(parseRtpMap('0 PCMU/8000/1/2'), undefined);
  });

  it('reads fmtp per payload type', () => {
    const m = firstMedia(BARESIP_SRTP_OFFER);
    assert.equal(getFmtp(m, 101), '0-15');
    assert.equal(getFmtp(m, 96), 'stereo=1;sprop-stereo=1');
    assert.equal(getFmtp(m, 0), undefined);
  });

  it('reads ptime and maxptime', () => {
    const m = firstMedia(ASTERISK_OFFER);
    assert.equal(getPtime(m), 20);
    assert.equal(getMaxPtime(m), 150);
    assert.equal(getMaxPtime(firstMedia(FREESWITCH_OFFER)), undefined);
  });

  it('reads the RFC 3605 rtcp port and address', () => {
    assert.deepEqual(getRtcp(firstMedia(FREESWITCH_OFFER)), { port: 24581, address: '198.51.100.20' });
    assert.equal(getRtcp(firstMedia(ASTERISK_OFFER)), undefined);
  });

  it('sees a=rtcp-mux', () => {
    const head = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0'];
    const m = firstMedia(sdp(...head, 'm=audio 4000 RTP/AVP 0', 'a=rtcp-mux'));
    assert.equal(hasRtcpMux(m), true);
    assert.equal(hasRtcpMux(firstMedia(ASTERISK_OFFER)), false);
  });

  it('takes the direction from the media section, then the session, then sendrecv (RFC 4566 §6)', () => {
    const head = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0'];
    const none = parseSdp(sdp(...head, 'm=audio 4000 RTP/AVP 0'));
    assert.equal(getDirection(none.media[0] as MediaDescription, none), 'sendrecv');
    const session = parseSdp(sdp(...head, 'a=sendonly', 'm=audio 4000 RTP/AVP 0'));
    assert.equal(getDirection(session.media[0] as MediaDescription, session), 'sendonly');
    const both = parseSdp(sdp(...head, 'a=sendonly', 'm=audio 4000 RTP/AVP 0', 'a=inactive'));
    assert.equal(getDirection(both.media[0] as MediaDescription, both), 'inactive');
  });

  it('replaces or adds the direction attribute', () => {
    const m = firstMedia(ASTERISK_OFFER);
    setDirection(m, 'recvonly');
    assert.equal(getDirection(m), 'recvonly');
    assert.equal(m.attributes.filter((a) => a.name === 'sendrecv' || a.name === 'recvonly').length, 1);
    const bare = firstMedia(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 0'));
    setDirection(bare, 'inactive');
    assert.deepEqual(bare.attributes, [{ name: 'inactive' }]);
  });
});
