import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SwitchboardError } from '../../../src/shared/errors.js';
import { findAttributes } from '../../../src/sdp/media-attributes.js';
import { SdpNegotiationError } from '../../../src/sdp/negotiation-error.js';
import { answerOffer } from '../../../src/sdp/offer-answer.js';
import { parseCryptoAttribute } from '../../../src/sdp/crypto-attribute.js';
import { serializeSdp } from '../../../src/sdp/serialize.js';
import type { LocalMediaOptions } from '../../../src/sdp/local-media.js';
import {
  ASTERISK_OFFER,
  BARESIP_SRTP_OFFER,
  FREESWITCH_OFFER,
  GCM128_KEY,
  LOCAL,
  RFC4568_KEY_80,
  SIPP_OFFER,
  audioOffer,
  sdp,
} from './sdp-fixtures.js';

const SRTP_REQUIRED: LocalMediaOptions = { ...LOCAL, srtp: 'required' };
const SRTP_OPTIONAL: LocalMediaOptions = { ...LOCAL, srtp: 'optional' };

function rejects(offer: string, local: LocalMediaOptions, status: 400 | 488, warning: number, reason: RegExp): void {
  assert.throws(
    () => answerOffer(offer, local),
    (e: unknown) => {
      assert.ok(e instanceof SdpNegotiationError, `not an SdpNegotiationError: ${String(e)}`);
      assert.ok(e instanceof SwitchboardError);
      assert.equal(e.status, status);
      assert.equal(e.code, status === 400 ? 'SDP_PARSE' : 'SDP_NOT_ACCEPTABLE');
      assert.equal(e.warningCode, warning);
      assert.match(e.reason, reason);
      return true;
    },
  );
}

describe('answerOffer (RFC 3264 §6)', () => {
  it('answers the Asterisk offer with PCMU and its telephone-event', () => {
    const { sdp: answer, negotiated } = answerOffer(ASTERISK_OFFER, LOCAL);
    assert.equal(
      serializeSdp(answer),
      sdp(
        'v=0',
        'o=- 4242 4242 IN IP4 203.0.113.100',
        's=switchboard',
        'c=IN IP4 203.0.113.100',
        't=0 0',
        'm=audio 30000 RTP/AVP 0 101',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-16',
        'a=ptime:20',
        'a=sendrecv',
      ),
    );
    assert.deepEqual(negotiated, {
      mediaIndex: 0,
      remoteAddress: '192.0.2.10',
      remotePort: 13054,
      rtcpPort: 13055,
      rtcpMux: false,
      payloadType: 0,
      codec: 'PCMU',
      clockRate: 8000,
      sampleRate: 8000,
      ptime: 20,
      telephoneEventPt: 101,
      direction: 'sendrecv',
      hold: false,
    });
  });

  it('answers the SIPp default offer (PCMU only, no DTMF)', () => {
    const { sdp: answer, negotiated } = answerOffer(SIPP_OFFER, LOCAL);
    assert.deepEqual(answer.media[0]?.formats, ['0']);
    assert.equal(negotiated.telephoneEventPt, undefined);
    assert.equal(negotiated.remoteAddress, '192.0.2.50');
    assert.equal(negotiated.remotePort, 6000);
  });

  it('picks G.722 with an 8000 Hz RTP clock and a 16 kHz sample rate when it is preferred', () => {
    const { sdp: answer, negotiated } = answerOffer(ASTERISK_OFFER, { ...LOCAL, codecs: ['G722', 'PCMU'] });
    assert.equal(negotiated.codec, 'G722');
    assert.equal(negotiated.payloadType, 9);
    assert.equal(negotiated.clockRate, 8000);
    assert.equal(negotiated.sampleRate, 16000);
    assert.deepEqual(findAttributes(answer.media[0]?.attributes ?? [], 'rtpmap')[0], {
      name: 'rtpmap',
      value: '9 G722/8000',
    });
  });

  it("follows the offerer's codec order when codecPreference is remote, and reads a=rtcp", () => {
    const { negotiated } = answerOffer(FREESWITCH_OFFER, { ...LOCAL, codecPreference: 'remote' });
    assert.equal(negotiated.codec, 'G722');
    assert.equal(negotiated.rtcpPort, 24581);
    assert.equal(answerOffer(FREESWITCH_OFFER, LOCAL).negotiated.codec, 'PCMU');
  });

  it("answers telephone-event with the offerer's dynamic payload type", () => {
    const offer = sdp(
      'v=0',
      'o=- 1 1 IN IP4 192.0.2.30',
      's=-',
      'c=IN IP4 192.0.2.30',
      't=0 0',
      'm=audio 40000 RTP/AVP 8 96',
      'a=rtpmap:96 telephone-event/8000',
      'a=fmtp:96 0-15',
    );
    const { sdp: answer, negotiated } = answerOffer(offer, LOCAL);
    assert.equal(negotiated.codec, 'PCMA');
    assert.equal(negotiated.telephoneEventPt, 96);
    assert.deepEqual(answer.media[0]?.formats, ['8', '96']);
    assert.deepEqual(findAttributes(answer.media[0]?.attributes ?? [], 'fmtp'), [{ name: 'fmtp', value: '96 0-16' }]);
  });

  it('leaves telephone-event out when it is disabled locally or offered at another clock rate', () => {
    const noDtmf = answerOffer(ASTERISK_OFFER, { ...LOCAL, telephoneEvent: false });
    assert.equal(noDtmf.negotiated.telephoneEventPt, undefined);
    assert.deepEqual(noDtmf.sdp.media[0]?.formats, ['0']);
    const wide = audioOffer({ formats: '0 97', lines: ['a=rtpmap:97 telephone-event/48000'] });
    assert.equal(answerOffer(wide, LOCAL).negotiated.telephoneEventPt, undefined);
  });

  it('honours an offered ptime that is a multiple of 10 from 10 to 60, else uses ours', () => {
    const ptimeOf = (lines: string[], ptime?: number): number =>
      answerOffer(audioOffer({ lines }), ptime === undefined ? LOCAL : { ...LOCAL, ptime }).negotiated.ptime;
    assert.equal(ptimeOf(['a=ptime:30']), 30);
    assert.equal(ptimeOf(['a=ptime:10']), 10);
    assert.equal(ptimeOf(['a=ptime:60']), 60);
    assert.equal(ptimeOf(['a=ptime:25']), 20);
    assert.equal(ptimeOf(['a=ptime:80']), 20);
    assert.equal(ptimeOf(['a=ptime:5']), 20);
    assert.equal(ptimeOf([], 40), 40);
    assert.equal(ptimeOf(['a=maxptime:30'], 40), 30);
    const { sdp: answer } = answerOffer(audioOffer({ lines: ['a=ptime:30'] }), LOCAL);
    assert.deepEqual(findAttributes(answer.media[0]?.attributes ?? [], 'ptime'), [{ name: 'ptime', value: '30' }]);
  });

  it('answers each offered direction per RFC 3264 §6.1 and reports hold', () => {
    const cases = [
      ['sendrecv', 'sendrecv', false],
      ['sendonly', 'recvonly', true],
      ['recvonly', 'sendonly', false],
      ['inactive', 'inactive', true],
    ] as const;
    for (const [offered, answered, hold] of cases) {
      const { sdp: answer, negotiated } = answerOffer(audioOffer({ lines: [`a=${offered}`] }), LOCAL);
      assert.equal(negotiated.direction, answered, offered);
      assert.equal(negotiated.hold, hold, offered);
      assert.equal(answer.media[0]?.attributes.at(-1)?.name, answered);
    }
  });

  it('takes a session-level a=sendonly as hold', () => {
    const offer = ASTERISK_OFFER.replace('t=0 0\r\n', 't=0 0\r\na=sendonly\r\n').replace('a=sendrecv\r\n', '');
    const { negotiated } = answerOffer(offer, LOCAL);
    assert.equal(negotiated.direction, 'recvonly');
    assert.equal(negotiated.hold, true);
  });

  it('treats c=0.0.0.0 as hold and never sends to it (RFC 3264 §8.4)', () => {
    const { sdp: answer, negotiated } = answerOffer(audioOffer({ c: '0.0.0.0' }), LOCAL);
    assert.equal(negotiated.hold, true);
    assert.equal(negotiated.remoteAddress, '0.0.0.0');
    assert.equal(negotiated.direction, 'recvonly');
    assert.equal(answer.media[0]?.attributes.at(-1)?.name, 'recvonly');
  });

  it('limits our direction to the one asked for', () => {
    const { negotiated } = answerOffer(ASTERISK_OFFER, LOCAL, { direction: 'sendonly' });
    assert.equal(negotiated.direction, 'sendonly');
    assert.equal(negotiated.hold, false);
  });

  it('rejects every other m= line with port 0, keeping their order', () => {
    const offer = sdp(
      'v=0',
      'o=- 1 1 IN IP4 192.0.2.30',
      's=-',
      'c=IN IP4 192.0.2.30',
      't=0 0',
      'm=video 40002 RTP/AVP 99',
      'a=rtpmap:99 H264/90000',
      'm=audio 40000 RTP/AVP 18',
      'm=audio 40004 RTP/AVP 8',
      'm=audio 40006 RTP/AVP 0',
    );
    const { sdp: answer, negotiated } = answerOffer(offer, LOCAL);
    assert.equal(negotiated.mediaIndex, 2);
    assert.equal(negotiated.codec, 'PCMA');
    assert.equal(negotiated.remotePort, 40004);
    assert.deepEqual(
      answer.media.map((m) => `${m.type} ${m.port} ${m.protocol} ${m.formats.join(' ')}`),
      ['video 0 RTP/AVP 99', 'audio 0 RTP/AVP 18', 'audio 30000 RTP/AVP 8', 'audio 0 RTP/AVP 0'],
    );
  });

  it("copies the offer's t= line into the answer (RFC 3264 §6)", () => {
    const offer = SIPP_OFFER.replace('t=0 0', 't=3034423619 3042462419');
    assert.deepEqual(answerOffer(offer, LOCAL).sdp.timings, [{ start: '3034423619', stop: '3042462419', repeats: [] }]);
  });

  it('agrees on rtcp-mux only when both sides want it (RFC 5761)', () => {
    const offer = audioOffer({ lines: ['a=rtcp-mux'] });
    const muxed = answerOffer(offer, { ...LOCAL, rtcpMux: true });
    assert.equal(muxed.negotiated.rtcpMux, true);
    assert.equal(muxed.negotiated.rtcpPort, 40000);
    assert.equal(findAttributes(muxed.sdp.media[0]?.attributes ?? [], 'rtcp-mux').length, 1);
    const plain = answerOffer(offer, LOCAL);
    assert.equal(plain.negotiated.rtcpMux, false);
    assert.equal(plain.negotiated.rtcpPort, 40001);
    assert.equal(findAttributes(plain.sdp.media[0]?.attributes ?? [], 'rtcp-mux').length, 0);
  });

  it('accepts an offer given already parsed', () => {
    const { sdp: answer } = answerOffer(ASTERISK_OFFER, LOCAL);
    assert.equal(answerOffer(answer, { ...LOCAL, port: 30002 }).negotiated.remotePort, 30000);
  });
});

describe('answerOffer with SRTP (RFC 4568)', () => {
  it('answers the baresip RTP/SAVP offer with the first supported tag and a fresh key of its suite', () => {
    const { sdp: answer, negotiated } = answerOffer(BARESIP_SRTP_OFFER, SRTP_REQUIRED);
    assert.equal(answer.media[0]?.protocol, 'RTP/SAVP');
    const cryptos = findAttributes(answer.media[0]?.attributes ?? [], 'crypto');
    assert.equal(cryptos.length, 1);
    const ours = parseCryptoAttribute(cryptos[0]?.value ?? '');
    assert.equal(ours.tag, 1);
    assert.equal(ours.suite, 'AES_CM_128_HMAC_SHA1_80');
    assert.equal(negotiated.srtp?.suite, 'AES_CM_128_HMAC_SHA1_80');
    assert.equal(negotiated.srtp?.tag, 1);
    assert.deepEqual(negotiated.srtp?.remoteKey, Buffer.from(RFC4568_KEY_80, 'base64'));
    assert.deepEqual(negotiated.srtp?.localKey, ours.keys[0]?.keySalt);
    assert.equal(negotiated.srtp?.localKey.length, 30);
    assert.notDeepEqual(negotiated.srtp?.localKey, negotiated.srtp?.remoteKey);
    assert.equal(negotiated.codec, 'PCMU');
  });

  it('skips offered crypto lines whose suite we do not accept, in the offerer order', () => {
    const { negotiated } = answerOffer(BARESIP_SRTP_OFFER, { ...SRTP_REQUIRED, cryptoSuites: ['AEAD_AES_128_GCM'] });
    assert.equal(negotiated.srtp?.tag, 4);
    assert.equal(negotiated.srtp?.suite, 'AEAD_AES_128_GCM');
    assert.deepEqual(negotiated.srtp?.remoteKey, Buffer.from(GCM128_KEY, 'base64'));
    assert.equal(negotiated.srtp?.localKey.length, 28);
  });

  it('skips NULL suites and crypto lines asking for unencrypted SRTP', () => {
    const offer = audioOffer({
      proto: 'RTP/SAVP',
      lines: [
        `a=crypto:1 NULL_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`,
        `a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80} UNENCRYPTED_SRTP`,
        `a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}|2^31|7:1 WSH=64`,
      ],
    });
    const { negotiated } = answerOffer(offer, SRTP_REQUIRED);
    assert.equal(negotiated.srtp?.tag, 3);
    assert.deepEqual(negotiated.srtp?.remoteMki, { value: 7n, length: 1 });
  });

  it('answers a=crypto in a plain RTP/AVP offer when SRTP is optional (best-effort SRTP)', () => {
    const offer = audioOffer({ lines: [`a=crypto:5 AES_CM_128_HMAC_SHA1_32 inline:${RFC4568_KEY_80}`] });
    const { sdp: answer, negotiated } = answerOffer(offer, SRTP_OPTIONAL);
    assert.equal(answer.media[0]?.protocol, 'RTP/AVP');
    assert.equal(negotiated.srtp?.tag, 5);
    const ours = findAttributes(answer.media[0]?.attributes ?? [], 'crypto');
    assert.equal(parseCryptoAttribute(ours[0]?.value ?? '').tag, 5);
  });

  it('stays plain RTP when SRTP is optional and the RTP/AVP offer has no usable crypto', () => {
    assert.equal(answerOffer(audioOffer(), SRTP_OPTIONAL).negotiated.srtp, undefined);
    const nullOnly = audioOffer({ lines: [`a=crypto:1 NULL_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`] });
    const { sdp: answer, negotiated } = answerOffer(nullOnly, SRTP_OPTIONAL);
    assert.equal(negotiated.srtp, undefined);
    assert.equal(findAttributes(answer.media[0]?.attributes ?? [], 'crypto').length, 0);
  });

  it('accepts RTP/SAVP when SRTP is optional and ignores a=crypto when SRTP is off', () => {
    assert.equal(answerOffer(BARESIP_SRTP_OFFER, SRTP_OPTIONAL).negotiated.srtp?.tag, 1);
    const offer = audioOffer({ lines: [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`] });
    assert.equal(answerOffer(offer, LOCAL).negotiated.srtp, undefined);
  });
});

describe('answerOffer refusals', () => {
  it('answers 488 when srtp is required and the offer is plain RTP/AVP', () => {
    rejects(ASTERISK_OFFER, SRTP_REQUIRED, 488, 302, /SRTP is required but the offer is plain RTP\/AVP/);
  });

  it('answers 488 when srtp is off and the offer is RTP/SAVP', () => {
    rejects(BARESIP_SRTP_OFFER, LOCAL, 488, 302, /SRTP \(RTP\/SAVP\) is offered but SRTP is off/);
  });

  it('answers 488 to an RTP/SAVP offer with no supported crypto suite', () => {
    const offer = audioOffer({
      proto: 'RTP/SAVP',
      lines: [
        `a=crypto:1 NULL_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`,
        `a=crypto:2 AES_256_CM_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`,
        `a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:${GCM128_KEY}`,
      ],
    });
    rejects(offer, SRTP_REQUIRED, 488, 306, /no supported crypto suite offered/);
    rejects(audioOffer({ proto: 'RTP/SAVP' }), SRTP_REQUIRED, 488, 306, /no supported crypto suite/);
  });

  it('answers 488 to DTLS-SRTP (UDP/TLS/RTP/SAVP and SAVPF) as unsupported', () => {
    rejects(audioOffer({ proto: 'UDP/TLS/RTP/SAVP' }), SRTP_REQUIRED, 488, 302, /DTLS-SRTP .* is not supported/);
    rejects(audioOffer({ proto: 'UDP/TLS/RTP/SAVPF' }), SRTP_OPTIONAL, 488, 302, /DTLS-SRTP/);
  });

  it('answers 488 to a transport we do not implement', () => {
    rejects(audioOffer({ proto: 'RTP/AVPF' }), LOCAL, 488, 302, /transport RTP\/AVPF is not supported/);
  });

  it('answers 488 when there is no common codec', () => {
    const offer = audioOffer({ formats: '18 96', lines: ['a=rtpmap:96 opus/48000/2'] });
    rejects(offer, LOCAL, 488, 305, /no common codec \(we accept PCMU, PCMA, G722\)/);
    const alawOnly = ASTERISK_OFFER.replace(' 0 8 9 101', ' 8 101');
    rejects(alawOnly, { ...LOCAL, codecs: ['PCMU'] }, 488, 305, /no common codec/);
  });

  it('answers 488 when there is no audio m= line, or only a disabled one', () => {
    const video = sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=video 4 RTP/AVP 99');
    rejects(video, LOCAL, 488, 304, /no audio m= line in the offer/);
    const none = sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0');
    rejects(none, LOCAL, 488, 304, /no audio m= line/);
    rejects(SIPP_OFFER.replace('m=audio 6000', 'm=audio 0'), LOCAL, 488, 304, /disabled/);
  });

  it('reports the first audio line failure when no audio line can be accepted', () => {
    const offer = sdp(
      'v=0',
      'o=- 1 1 IN IP4 192.0.2.1',
      's=-',
      'c=IN IP4 192.0.2.1',
      't=0 0',
      'm=audio 4000 RTP/AVP 18',
      'm=audio 4002 UDP/TLS/RTP/SAVP 0',
    );
    rejects(offer, LOCAL, 488, 305, /no common codec/);
  });

  it('answers 400 to a body that is not SDP', () => {
    rejects('<html>busy</html>', LOCAL, 400, 399, /not SDP/);
    rejects(sdp('v=0', 's=-', 't=0 0'), LOCAL, 400, 399, /o= line is missing/);
  });

  it('answers 400 to an audio stream without any c= line', () => {
    const noConnection = sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 0');
    rejects(noConnection, LOCAL, 400, 399, /no c= line/);
  });

  it('formats the reason for a Warning header (RFC 3261 §20.43)', () => {
    const e = SdpNegotiationError.notAcceptable('no common codec (we accept "PCMU")', 305);
    assert.equal(e.warningHeader(), '305 switchboard "no common codec (we accept \\"PCMU\\")"');
    assert.equal(e.warningHeader('sbc.example.com'), '305 sbc.example.com "no common codec (we accept \\"PCMU\\")"');
    assert.equal(e.name, 'SdpNegotiationError');
  });
});
