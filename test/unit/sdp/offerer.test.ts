import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCryptoAttribute } from '../../../src/sdp/crypto-attribute.js';
import type { LocalMediaOptions } from '../../../src/sdp/local-media.js';
import { findAttributes } from '../../../src/sdp/media-attributes.js';
import { SdpNegotiationError } from '../../../src/sdp/negotiation-error.js';
import { acceptAnswer, answerOffer, createOffer } from '../../../src/sdp/offer-answer.js';
import { serializeSdp } from '../../../src/sdp/serialize.js';
import type { SessionDescription } from '../../../src/sdp/session-description.js';
import { LOCAL, RFC4568_KEY_32, RFC4568_KEY_80, sdp } from './sdp-fixtures.js';

/** An answer from a PBX at 192.0.2.77:20000 to our default offer, with the given media lines. */
function pbxAnswer(mLine: string, ...lines: string[]): string {
  return sdp('v=0', 'o=pbx 9 9 IN IP4 192.0.2.77', 's=pbx', 'c=IN IP4 192.0.2.77', 't=0 0', mLine, ...lines);
}

function refusesAnswer(
  offer: SessionDescription,
  answer: string,
  local: LocalMediaOptions,
  status: number,
  warning: number,
  reason: RegExp,
): void {
  assert.throws(
    () => acceptAnswer(offer, answer, local),
    (e: unknown) =>
      e instanceof SdpNegotiationError && e.status === status && e.warningCode === warning && reason.test(e.reason),
  );
}

describe('createOffer (RFC 3264 §5)', () => {
  it('offers every codec in preference order with telephone-event 101 and ptime 20', () => {
    assert.equal(
      serializeSdp(createOffer(LOCAL)),
      sdp(
        'v=0',
        'o=- 4242 4242 IN IP4 203.0.113.100',
        's=switchboard',
        'c=IN IP4 203.0.113.100',
        't=0 0',
        'm=audio 30000 RTP/AVP 0 8 9 101',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:9 G722/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-16',
        'a=ptime:20',
        'a=sendrecv',
      ),
    );
  });

  it('uses the configured codecs, DTMF payload type, ptime, username, version and IPv6 address', () => {
    const offer = createOffer({
      address: '2001:db8::5',
      port: 31000,
      codecs: ['G722', 'PCMA'],
      telephoneEvent: { payloadType: 96, events: '0-15' },
      ptime: 30,
      username: 'switchboard',
      sessionId: '77',
      sessionVersion: 3n,
    });
    const text = serializeSdp(offer);
    assert.ok(text.includes('o=switchboard 77 3 IN IP6 2001:db8::5\r\n'));
    assert.ok(text.includes('c=IN IP6 2001:db8::5\r\n'));
    assert.ok(text.includes('m=audio 31000 RTP/AVP 9 8 96\r\n'));
    assert.ok(text.includes('a=fmtp:96 0-15\r\na=ptime:30\r\n'));
  });

  it('offers RTP/SAVP with one crypto line per suite, tags 1..n, when SRTP is required', () => {
    const offer = createOffer({ ...LOCAL, srtp: 'required' });
    assert.equal(offer.media[0]?.protocol, 'RTP/SAVP');
    const lines = findAttributes(offer.media[0]?.attributes ?? [], 'crypto');
    const cryptos = lines.map((a) => parseCryptoAttribute(a.value ?? ''));
    assert.deepEqual(
      cryptos.map((c) => [c.tag, c.suite, c.keys[0]?.keySalt.length]),
      [
        [1, 'AES_CM_128_HMAC_SHA1_80', 30],
        [2, 'AES_CM_128_HMAC_SHA1_32', 30],
        [3, 'AEAD_AES_128_GCM', 28],
        [4, 'AEAD_AES_256_GCM', 44],
      ],
    );
  });

  it('offers best-effort SRTP (RTP/AVP with a=crypto) when SRTP is optional, none when off', () => {
    const optional = createOffer({ ...LOCAL, srtp: 'optional', cryptoSuites: ['AES_CM_128_HMAC_SHA1_80'] });
    assert.equal(optional.media[0]?.protocol, 'RTP/AVP');
    assert.equal(findAttributes(optional.media[0]?.attributes ?? [], 'crypto').length, 1);
    assert.equal(findAttributes(createOffer(LOCAL).media[0]?.attributes ?? [], 'crypto').length, 0);
  });

  it('refuses invalid local options', () => {
    assert.throws(() => createOffer({ ...LOCAL, ptime: 25 }), /ptime/);
    assert.throws(() => createOffer({ ...LOCAL, port: 0 }), /port/);
    assert.throws(() => createOffer({ ...LOCAL, codecs: [] }), /codec/);
    assert.throws(() => createOffer({ ...LOCAL, telephoneEvent: { payloadType: 8 } }), /dynamic/);
    assert.throws(() => createOffer({ ...LOCAL, srtp: 'required', cryptoSuites: [] }), /crypto suite/);
  });
});

describe('acceptAnswer (RFC 3264 §7), e.g. the late-offer ACK', () => {
  const offer = createOffer(LOCAL);

  it('reads the codec, DTMF, ptime and address the answer picked', () => {
    const negotiated = acceptAnswer(
      offer,
      pbxAnswer(
        'm=audio 20000 RTP/AVP 8 101',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=ptime:30',
      ),
      LOCAL,
    );
    assert.deepEqual(negotiated, {
      mediaIndex: 0,
      remoteAddress: '192.0.2.77',
      remotePort: 20000,
      rtcpPort: 20001,
      rtcpMux: false,
      payloadType: 8,
      codec: 'PCMA',
      clockRate: 8000,
      sampleRate: 8000,
      ptime: 30,
      telephoneEventPt: 101,
      direction: 'sendrecv',
      hold: false,
    });
  });

  it("takes the answerer's first codec among several, and G.722 with its rates", () => {
    const negotiated = acceptAnswer(offer, pbxAnswer('m=audio 20000 RTP/AVP 9 0'), LOCAL);
    assert.equal(negotiated.codec, 'G722');
    assert.equal(negotiated.clockRate, 8000);
    assert.equal(negotiated.sampleRate, 16000);
  });

  it('sends only when the answer is recvonly, and reports hold when it is sendonly', () => {
    assert.equal(acceptAnswer(offer, pbxAnswer('m=audio 20000 RTP/AVP 0', 'a=recvonly'), LOCAL).direction, 'sendonly');
    const held = acceptAnswer(offer, pbxAnswer('m=audio 20000 RTP/AVP 0', 'a=sendonly'), LOCAL);
    assert.equal(held.direction, 'recvonly');
    assert.equal(held.hold, true);
  });

  it('refuses an answer that picked a codec we did not offer', () => {
    refusesAnswer(offer, pbxAnswer('m=audio 20000 RTP/AVP 18'), LOCAL, 488, 305, /no codec we offered/);
    const renamed = pbxAnswer('m=audio 20000 RTP/AVP 0 101', 'a=rtpmap:0 opus/48000/2');
    refusesAnswer(offer, renamed, LOCAL, 488, 305, /no codec we offered/);
  });

  it('refuses an answer that rejected the audio stream, changed its transport or dropped m= lines', () => {
    refusesAnswer(offer, pbxAnswer('m=audio 0 RTP/AVP 0'), LOCAL, 488, 304, /rejected the audio stream/);
    refusesAnswer(offer, pbxAnswer('m=audio 20000 RTP/SAVP 0'), LOCAL, 488, 302, /transport/);
    const twoLines = pbxAnswer('m=audio 20000 RTP/AVP 0', 'm=video 0 RTP/AVP 99');
    refusesAnswer(offer, twoLines, LOCAL, 488, 399, /2 m= lines, the offer had 1/);
  });

  it('refuses a malformed answer with 400', () => {
    refusesAnswer(offer, 'SIP/2.0 200 OK', LOCAL, 400, 399, /not SDP/);
  });

  it('agrees on SRTP when the answer repeats one of our tags with its suite', () => {
    const srtpOffer = createOffer({ ...LOCAL, srtp: 'required' });
    const ours = parseCryptoAttribute(findAttributes(srtpOffer.media[0]?.attributes ?? [], 'crypto')[1]?.value ?? '');
    const answer = pbxAnswer('m=audio 20000 RTP/SAVP 0', `a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${RFC4568_KEY_32}`);
    const negotiated = acceptAnswer(srtpOffer, answer, { ...LOCAL, srtp: 'required' });
    assert.equal(negotiated.srtp?.tag, 2);
    assert.equal(negotiated.srtp?.suite, 'AES_CM_128_HMAC_SHA1_32');
    assert.deepEqual(negotiated.srtp?.localKey, ours.keys[0]?.keySalt);
    assert.deepEqual(negotiated.srtp?.remoteKey, Buffer.from(RFC4568_KEY_32, 'base64'));
  });

  it('refuses an SRTP answer with no crypto, an unknown tag, or a suite other than the tag had', () => {
    const local: LocalMediaOptions = { ...LOCAL, srtp: 'required' };
    const srtpOffer = createOffer(local);
    refusesAnswer(srtpOffer, pbxAnswer('m=audio 20000 RTP/SAVP 0'), local, 488, 306, /no a=crypto/);
    const m = 'm=audio 20000 RTP/SAVP 0';
    const wrongTag = pbxAnswer(m, `a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`);
    refusesAnswer(srtpOffer, wrongTag, local, 488, 306, /does not match an offered tag/);
    const wrongSuite = pbxAnswer(m, `a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:${RFC4568_KEY_80}`);
    refusesAnswer(srtpOffer, wrongSuite, local, 488, 306, /does not match an offered tag/);
    const plainOffer = createOffer(LOCAL);
    const unasked = pbxAnswer('m=audio 20000 RTP/AVP 0', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`);
    refusesAnswer(plainOffer, unasked, LOCAL, 488, 306, /none was offered/);
  });

  it('stays plain RTP when a best-effort SRTP offer is answered without crypto', () => {
    const local: LocalMediaOptions = { ...LOCAL, srtp: 'optional' };
    assert.equal(acceptAnswer(createOffer(local), pbxAnswer('m=audio 20000 RTP/AVP 0'), local).srtp, undefined);
  });

  it('completes a late offer: our offer in the 200 OK, their answer in the ACK, keys crossed', () => {
    const ours: LocalMediaOptions = { ...LOCAL, srtp: 'required', rtcpMux: true };
    const theirs: LocalMediaOptions = {
      address: '192.0.2.77',
      port: 20000,
      srtp: 'optional',
      rtcpMux: true,
      codecs: ['PCMA', 'PCMU'],
    };
    const offerIn200 = createOffer(ours);
    const ack = answerOffer(serializeSdp(offerIn200), theirs);
    const negotiated = acceptAnswer(offerIn200, serializeSdp(ack.sdp), ours);
    assert.equal(negotiated.codec, 'PCMA');
    assert.equal(negotiated.remotePort, 20000);
    assert.equal(negotiated.rtcpMux, true);
    assert.equal(negotiated.rtcpPort, 20000);
    assert.equal(negotiated.telephoneEventPt, 101);
    assert.deepEqual(negotiated.srtp?.localKey, ack.negotiated.srtp?.remoteKey);
    assert.deepEqual(negotiated.srtp?.remoteKey, ack.negotiated.srtp?.localKey);
    assert.equal(negotiated.srtp?.suite, 'AES_CM_128_HMAC_SHA1_80');
  });
});
