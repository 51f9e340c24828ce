import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LocalMediaOptions } from '../../../src/sdp/local-media.js';
import { findAttributes, getDirection } from '../../../src/sdp/media-attributes.js';
import { answerOffer, createOffer, updateOffer } from '../../../src/sdp/offer-answer.js';
import { parseSdp } from '../../../src/sdp/parse.js';
import { serializeSdp } from '../../../src/sdp/serialize.js';
import type { MediaDescription, SessionDescription } from '../../../src/sdp/session-description.js';
import { ASTERISK_OFFER, BARESIP_SRTP_OFFER, LOCAL, RFC4568_KEY_32, sdp } from './sdp-fixtures.js';

/** The Asterisk offer re-sent within its session with another direction and version. */
function asteriskReoffer(direction: string, version: number): string {
  return ASTERISK_OFFER.replace('1712345680', String(version)).replace('a=sendrecv', `a=${direction}`);
}

function audio(s: SessionDescription): MediaDescription {
  const m = s.media.find((x) => x.type === 'audio' && x.port !== 0);
  assert.ok(m);
  return m;
}

describe('re-offers within a session (RFC 3264 §8)', () => {
  it('answers hold and unhold re-INVITEs keeping our session id and counting the version up', () => {
    const first = answerOffer(ASTERISK_OFFER, LOCAL);
    assert.equal(first.sdp.origin.sessionVersion, '4242');

    const hold = answerOffer(asteriskReoffer('sendonly', 1712345681), LOCAL, { previous: first.sdp });
    assert.equal(hold.sdp.origin.sessionId, '4242');
    assert.equal(hold.sdp.origin.sessionVersion, '4243');
    assert.equal(getDirection(audio(hold.sdp)), 'recvonly');
    assert.equal(hold.negotiated.hold, true);
    assert.equal(hold.negotiated.direction, 'recvonly');

    const unhold = answerOffer(asteriskReoffer('sendrecv', 1712345682), LOCAL, { previous: hold.sdp });
    assert.equal(unhold.sdp.origin.sessionId, '4242');
    assert.equal(unhold.sdp.origin.sessionVersion, '4244');
    assert.equal(getDirection(audio(unhold.sdp)), 'sendrecv');
    assert.equal(unhold.negotiated.hold, false);
    // Apart from the version, unhold gives back the first answer.
    assert.equal(serializeSdp(unhold.sdp), serializeSdp(first.sdp).replace('4242 4242', '4242 4244'));
  });

  it('keeps the version when a session refresh re-offer changes nothing in our answer', () => {
    const first = answerOffer(ASTERISK_OFFER, LOCAL);
    const refresh = answerOffer(asteriskReoffer('sendrecv', 1712345681), LOCAL, { previous: first.sdp });
    assert.equal(serializeSdp(refresh.sdp), serializeSdp(first.sdp));
  });

  it('uses the o= line of the previous description even when the local options differ', () => {
    const first = answerOffer(ASTERISK_OFFER, { ...LOCAL, username: 'sb', sessionVersion: '900' });
    const reoffer = asteriskReoffer('inactive', 1712345681);
    const again = answerOffer(reoffer, { ...LOCAL, sessionId: '1' }, { previous: first.sdp });
    assert.deepEqual(again.sdp.origin, { ...first.sdp.origin, sessionVersion: '901' });
  });

  it('keeps our SRTP key across a re-offer with the same suite and answers its new tag', () => {
    const local: LocalMediaOptions = { ...LOCAL, srtp: 'required' };
    const first = answerOffer(BARESIP_SRTP_OFFER, local);
    const reoffer = BARESIP_SRTP_OFFER.replace('3917434322 IN', '3917434323 IN')
      .replace('a=crypto:1 AES_CM_128_HMAC_SHA1_80', 'a=crypto:9 AES_CM_128_HMAC_SHA1_80')
      .replace('a=sendrecv', 'a=sendonly');
    const held = answerOffer(reoffer, local, { previous: first.sdp });
    assert.equal(held.negotiated.srtp?.tag, 9);
    assert.deepEqual(held.negotiated.srtp?.localKey, first.negotiated.srtp?.localKey);
    assert.equal(held.sdp.origin.sessionVersion, String(BigInt(first.sdp.origin.sessionVersion) + 1n));
  });

  it('puts the peer on hold with updateOffer: a=sendonly, same session, version + 1, same keys', () => {
    const local: LocalMediaOptions = { ...LOCAL, srtp: 'required' };
    const offer = createOffer(local);
    const hold = updateOffer(offer, local, { direction: 'sendonly' });
    assert.equal(hold.origin.sessionId, offer.origin.sessionId);
    assert.equal(hold.origin.sessionVersion, '4243');
    assert.equal(getDirection(audio(hold)), 'sendonly');
    const cryptos = (s: SessionDescription): unknown => findAttributes(audio(s).attributes, 'crypto');
    assert.deepEqual(cryptos(hold), cryptos(offer));
    const resume = updateOffer(hold, local);
    assert.equal(resume.origin.sessionVersion, '4244');
    assert.equal(getDirection(audio(resume)), 'sendrecv');
    assert.equal(updateOffer(resume, local).origin.sessionVersion, '4244', 'unchanged re-offer keeps the version');
  });

  it('keeps every m= line of the session in place in a re-offer, other streams rejected', () => {
    const offer = sdp(
      'v=0',
      'o=- 1 1 IN IP4 192.0.2.30',
      's=-',
      'c=IN IP4 192.0.2.30',
      't=0 0',
      'm=video 40002 RTP/AVP 99',
      'm=audio 40000 RTP/AVP 0',
    );
    const answer = answerOffer(offer, LOCAL).sdp;
    const hold = updateOffer(answer, LOCAL, { direction: 'sendonly' });
    assert.deepEqual(
      hold.media.map((m) => `${m.type} ${m.port}`),
      ['video 0', 'audio 30000'],
    );
    assert.equal(getDirection(hold.media[1] as MediaDescription), 'sendonly');
  });

  it('reuses our key from a previous answer when we re-offer with that suite', () => {
    const local: LocalMediaOptions = { ...LOCAL, srtp: 'required', cryptoSuites: ['AES_CM_128_HMAC_SHA1_32'] };
    const peerOffer = sdp(
      'v=0',
      'o=- 1 1 IN IP4 192.0.2.30',
      's=-',
      'c=IN IP4 192.0.2.30',
      't=0 0',
      'm=audio 40000 RTP/SAVP 0',
      `a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:${RFC4568_KEY_32}`,
    );
    const answered = answerOffer(peerOffer, local);
    const reoffer = parseSdp(serializeSdp(updateOffer(answered.sdp, local, { direction: 'inactive' })));
    const crypto = findAttributes(audio(reoffer).attributes, 'crypto');
    assert.equal(crypto.length, 1);
    const ourKey = answered.negotiated.srtp?.localKey.toString('base64');
    assert.equal(crypto[0]?.value, `1 AES_CM_128_HMAC_SHA1_32 inline:${ourKey}`);
  });
});
