import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSdp } from '../../../src/sdp/parse.js';
import { serializeSdp } from '../../../src/sdp/serialize.js';
import { ASTERISK_OFFER, BARESIP_SRTP_OFFER, FREESWITCH_OFFER, SIPP_OFFER, sdp } from './sdp-fixtures.js';

describe('serializeSdp (RFC 4566)', () => {
  const offers = {
    SIPp: SIPP_OFFER,
    Asterisk: ASTERISK_OFFER,
    FreeSWITCH: FREESWITCH_OFFER,
    'baresip (SRTP)': BARESIP_SRTP_OFFER,
  };
  for (const [name, text] of Object.entries(offers)) {
    it(`round-trips the ${name} offer byte for byte`, () => {
      assert.equal(serializeSdp(parseSdp(text)), text);
    });
  }

  it('writes CRLF line ends for an offer received with bare LF', () => {
    const out = serializeSdp(parseSdp(FREESWITCH_OFFER.replaceAll('\r\n', '\n')));
    assert.equal(out, FREESWITCH_OFFER);
    assert.ok(out.endsWith('a=rtcp:24581 IN IP4 198.51.100.20\r\n'));
  });

  it('round-trips the optional and unknown lines in their RFC 4566 §5 places', () => {
    const text = sdp(
      'v=0',
      'o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5',
      's=SDP Seminar',
      'i=A Seminar on the session description protocol',
      'u=http://www.example.com/seminars/sdp.pdf',
      'e=j.doe@example.com (Jane Doe)',
      'c=IN IP4 224.2.17.12/127',
      'b=CT:128',
      't=2873397496 2873404696',
      'r=7d 1h 0 25h',
      'z=2882844526 -1h 2898848070 0',
      'a=recvonly',
      'm=audio 49170 RTP/AVP 0',
      'i=voice',
      'c=IN IP4 224.2.17.12/127',
      'c=IN IP4 224.2.17.13/127',
      'b=AS:64',
      'k=prompt',
      'a=ptime:20',
      'm=video 51372 RTP/AVP 99',
      'a=rtpmap:99 h263-1998/90000',
    );
    assert.equal(serializeSdp(parseSdp(text)), text);
  });

  it('puts sloppily ordered session lines back in RFC order', () => {
    const o = 'o=- 1 1 IN IP4 192.0.2.1';
    const sloppy = sdp('v=0', o, 't=0 0', 'c=IN IP4 192.0.2.1', 's=-', 'm=audio 4000 RTP/AVP 0');
    assert.equal(
      serializeSdp(parseSdp(sloppy)),
      sdp('v=0', o, 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 4000 RTP/AVP 0'),
    );
  });

  it('writes a port count', () => {
    const text = sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'm=audio 49170/2 RTP/AVP 0 8');
    assert.equal(serializeSdp(parseSdp(text)), text);
  });
});
