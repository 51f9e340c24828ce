import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import { SRTP_SUITE_NAMES, generateCryptoKey, type NegotiatedSrtp, type SrtpSuite } from '../../../../src/sdp/index.js';
import {
  createSrtpContexts,
  createSrtpTransform,
  type SrtpContexts,
} from '../../../../src/media/srtp/srtp-session.js';
import { srtpProfile } from '../../../../src/media/srtp/suites.js';

const SSRC = 0x1a2b3c4d;

/** A PCMU packet: 12-octet header (PT 0) + 160 octets of payload derived from SEQ. */
function rtpPacket(seq: number, ssrc = SSRC, payloadLength = 160): Buffer {
  const p = Buffer.alloc(12 + payloadLength);
  p[0] = 0x80;
  p[1] = 0x00;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE((seq * 160) >>> 0, 4);
  p.writeUInt32BE(ssrc, 8);
  for (let i = 12; i < p.length; i++) p[i] = (seq + i) & 0xff;
  return p;
}

/** An RTCP RR with one report block. */
function rtcpPacket(ssrc = SSRC, fill = 0x5a): Buffer {
  const p = Buffer.alloc(32, fill);
  p[0] = 0x81;
  p[1] = 201;
  p.writeUInt16BE(7, 2);
  p.writeUInt32BE(ssrc, 4);
  return p;
}

/** Both ends of a call: alice's localKey is bob's remoteKey and the other way round. */
function pair(suite: SrtpSuite, options: { replayWindowSize?: number } = {}): { alice: SrtpContexts; bob: SrtpContexts } {
  const a = generateCryptoKey(suite);
  const b = generateCryptoKey(suite);
  return {
    alice: createSrtpContexts({ suite, localKey: a, remoteKey: b, ...options }),
    bob: createSrtpContexts({ suite, localKey: b, remoteKey: a, ...options }),
  };
}

/** unprotect decrypts in place, so a test that delivers a packet twice hands over copies. */
function deliver(ctx: SrtpContexts, srtp: Buffer): Buffer | string {
  return ctx.unprotectRtp(Buffer.from(srtp));
}

for (const suite of SRTP_SUITE_NAMES) {
  const { srtpTagLength, srtcpTagLength } = srtpProfile(suite);

  describe(`SRTP session ${suite}`, () => {
    it(`round-trips RTP both ways with a ${srtpTagLength}-octet tag, payload encrypted, header clear`, () => {
      const { alice, bob } = pair(suite);
      const rtp = rtpPacket(1000);
      const srtp = alice.protectRtp(rtp);
      assert.equal(srtp.length, rtp.length + srtpTagLength);
      assert.deepEqual(srtp.subarray(0, 12), rtp.subarray(0, 12));
      assert.notDeepEqual(srtp.subarray(12, rtp.length), rtp.subarray(12));
      assert.deepEqual(rtp, rtpPacket(1000), 'protectRtp leaves its input alone');
      assert.deepEqual(bob.unprotectRtp(srtp), rtp);
      const back = rtpPacket(7, 0x99);
      assert.deepEqual(alice.unprotectRtp(bob.protectRtp(back)), back);
    });

    it(`round-trips SRTCP with E = 1, index 0 then 1, and a ${srtcpTagLength}-octet tag`, () => {
      const { alice, bob } = pair(suite);
      const rtcp = rtcpPacket();
      const first = alice.protectRtcp(rtcp);
      const second = alice.protectRtcp(rtcp);
      assert.equal(first.length, rtcp.length + 4 + srtcpTagLength);
      const word = (p: Buffer): number => p.readUInt32BE(srtpProfile(suite).cipher === 'aes-gcm' ? p.length - 4 : rtcp.length);
      assert.equal(word(first), 0x80000000);
      assert.equal(word(second), 0x80000001);
      assert.notDeepEqual(first.subarray(8, rtcp.length), rtcp.subarray(8));
      assert.deepEqual(bob.unprotectRtcp(first), rtcp);
      assert.deepEqual(bob.unprotectRtcp(second), rtcp);
    });

    it('crosses a sequence wrap 65530..65535, 0..10: ROC becomes 1, a packet from before the wrap arriving late uses ROC 0', () => {
      const { alice, bob } = pair(suite);
      const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
      const sent = new Map(seqs.map((s) => [s, alice.protectRtp(rtpPacket(s))]));
      assert.equal(alice.localRolloverCounter(SSRC), 1);
      const order = [65530, 65531, 65532, 65533, 65535, 0, 1, 2, 65534, 3, 4, 5, 6, 7, 8, 9, 10];
      for (const s of order) {
        const rtp = deliver(bob, sent.get(s)!);
        assert.deepEqual(rtp, rtpPacket(s), `SEQ ${s}`);
        if (s === 65535) assert.equal(bob.remoteRolloverCounter(SSRC), 0);
      }
      assert.equal(bob.remoteRolloverCounter(SSRC), 1);
      assert.equal(deliver(bob, sent.get(65534)!), 'replay', 'the late packet is accepted once');
      assert.equal(bob.unprotectRtp(alice.protectRtp(rtpPacket(11))) instanceof Buffer, true);
    });

    it('authenticates the ROC: a fresh receiver cannot take a packet sent with ROC 1 as ROC 0', () => {
      const { alice, bob } = pair(suite);
      alice.protectRtp(rtpPacket(65535));
      const afterWrap = alice.protectRtp(rtpPacket(3));
      assert.equal(alice.localRolloverCounter(SSRC), 1);
      assert.equal(deliver(bob, afterWrap), 'auth');
    });

    it('refuses the same packet twice', () => {
      const { alice, bob } = pair(suite);
      const srtp = alice.protectRtp(rtpPacket(42));
      assert.deepEqual(deliver(bob, srtp), rtpPacket(42));
      assert.equal(deliver(bob, srtp), 'replay');
    });

    it('accepts reordered packets inside the window once each, refuses one 64 behind the highest', () => {
      const { alice, bob } = pair(suite);
      const sent = Array.from({ length: 80 }, (_, i) => alice.protectRtp(rtpPacket(500 + i)));
      const held = new Set([3, 4, 10]);
      for (let i = 0; i < 75; i++) if (!held.has(i)) assert.notEqual(typeof deliver(bob, sent[i]!), 'string', `#${i}`);
      // highest is #74: #10 lags 64 (too old), #4 and #3 lag 70–71.
      assert.equal(deliver(bob, sent[10]!), 'replay');
      assert.equal(deliver(bob, sent[3]!), 'replay');
      const { alice: a2, bob: b2 } = pair(suite);
      const s2 = Array.from({ length: 20 }, (_, i) => a2.protectRtp(rtpPacket(900 + i)));
      for (const i of [0, 1, 2, 5, 6, 7, 19]) assert.deepEqual(deliver(b2, s2[i]!), rtpPacket(900 + i));
      for (const i of [4, 3]) {
        assert.deepEqual(deliver(b2, s2[i]!), rtpPacket(900 + i), `late #${i}`);
        assert.equal(deliver(b2, s2[i]!), 'replay', `late #${i} again`);
      }
    });

    it('takes replayWindowSize as an option: with 128 a packet 64 behind is still accepted', () => {
      const { alice, bob } = pair(suite, { replayWindowSize: 128 });
      const sent = Array.from({ length: 70 }, (_, i) => alice.protectRtp(rtpPacket(i)));
      for (let i = 1; i < 70; i++) deliver(bob, sent[i]!);
      assert.deepEqual(deliver(bob, sent[0]!), rtpPacket(0));
    });

    it('refuses tampered header, payload and tag, leaves the buffer as it was, and moves no state', () => {
      const { alice, bob } = pair(suite);
      assert.notEqual(typeof deliver(bob, alice.protectRtp(rtpPacket(65000))), 'string');
      const srtp = alice.protectRtp(rtpPacket(65001));
      for (const at of [4, 12, 100, srtp.length - 1]) {
        const forged = Buffer.from(srtp);
        forged[at] ^= 0x40;
        const copy = Buffer.from(forged);
        assert.equal(bob.unprotectRtp(forged), 'auth', `octet ${at}`);
        assert.deepEqual(forged, copy);
      }
      // A forgery with SEQ 100 would be taken as after a wrap (ROC 1); failing authentication, it
      // must move neither ROC nor the replay window.
      const ahead = Buffer.from(alice.protectRtp(rtpPacket(100)));
      ahead[ahead.length - 1] ^= 1;
      assert.equal(bob.unprotectRtp(ahead), 'auth');
      assert.equal(bob.remoteRolloverCounter(SSRC), 0);
      assert.deepEqual(deliver(bob, srtp), rtpPacket(65001));
    });

    it('refuses tampered and replayed SRTCP', () => {
      const { alice, bob } = pair(suite);
      const srtcp = alice.protectRtcp(rtcpPacket());
      const forged = Buffer.from(srtcp);
      forged[10] ^= 1;
      assert.equal(bob.unprotectRtcp(forged), 'auth');
      assert.deepEqual(bob.unprotectRtcp(Buffer.from(srtcp)), rtcpPacket());
      assert.equal(bob.unprotectRtcp(Buffer.from(srtcp)), 'replay');
      assert.deepEqual(bob.unprotectRtcp(alice.protectRtcp(rtcpPacket())), rtcpPacket());
    });

    it('accepts an authenticated SRTCP packet sent in clear (E = 0) and leaves its payload as sent', () => {
      const local = generateCryptoKey(suite);
      const peer = createSrtpTransform(srtpProfile(suite), local, Buffer.alloc(0));
      const us = createSrtpContexts({ suite, localKey: generateCryptoKey(suite), remoteKey: local });
      const clear = peer.protectRtcp(rtcpPacket(), SSRC, 7, false);
      assert.deepEqual(clear.subarray(0, 32), rtcpPacket());
      assert.deepEqual(us.unprotectRtcp(clear), rtcpPacket());
    });

    it("answers 'short' for packets too small for header and trailer, never throwing", () => {
      const { bob } = pair(suite);
      assert.equal(bob.unprotectRtp(Buffer.alloc(11)), 'short');
      assert.equal(bob.unprotectRtp(Buffer.alloc(12 + srtpTagLength - 1, 0x80)), 'short');
      const csrcs = rtpPacket(1, SSRC, 0);
      csrcs[0] = 0x8f; // CC = 15: 60 octets of CSRC that are not there
      assert.equal(bob.unprotectRtp(Buffer.concat([csrcs, Buffer.alloc(srtpTagLength + 4)])), 'short');
      const extension = rtpPacket(1, SSRC, 8);
      extension[0] = 0x90;
      extension.writeUInt16BE(0x4000, 14); // 65536 octets of extension
      assert.equal(bob.unprotectRtp(Buffer.concat([extension, Buffer.alloc(srtpTagLength)])), 'short');
      assert.equal(bob.unprotectRtcp(Buffer.alloc(8 + 4 + srtcpTagLength - 1)), 'short');
    });

    it('never throws on random datagrams', () => {
      const { bob } = pair(suite);
      let seed = 12345;
      const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
      for (let n = 0; n < 500; n++) {
        const junk = Buffer.alloc(next() % 300);
        for (let i = 0; i < junk.length; i++) junk[i] = next() & 0xff;
        if (junk.length > 0) junk[0] = (junk[0]! & 0x3f) | 0x80;
        assert.equal(typeof bob.unprotectRtp(Buffer.from(junk)), 'string');
        assert.equal(typeof bob.unprotectRtcp(junk), 'string');
      }
    });
  });
}

describe('SRTP session setup', () => {
  it('takes the NegotiatedSrtp of offer/answer as it is', () => {
    const ours = generateCryptoKey('AES_CM_128_HMAC_SHA1_32');
    const theirs = generateCryptoKey('AES_CM_128_HMAC_SHA1_32');
    const negotiated: NegotiatedSrtp = { suite: 'AES_CM_128_HMAC_SHA1_32', tag: 1, localKey: ours, remoteKey: theirs };
    const us = createSrtpContexts(negotiated);
    const them = createSrtpContexts({ suite: 'AES_CM_128_HMAC_SHA1_32', localKey: theirs, remoteKey: ours });
    assert.equal(us.suite, 'AES_CM_128_HMAC_SHA1_32');
    assert.deepEqual(them.unprotectRtp(us.protectRtp(rtpPacket(3))), rtpPacket(3));
    assert.deepEqual(us.unprotectRtp(them.protectRtp(rtpPacket(4))), rtpPacket(4));
  });

  it('refuses NULL cipher suites with SDP_NOT_ACCEPTABLE', () => {
    for (const suite of ['NULL_HMAC_SHA1_80', 'NULL_HMAC_SHA1_32']) {
      assert.throws(
        () => createSrtpContexts({ suite, localKey: Buffer.alloc(30), remoteKey: Buffer.alloc(30) }),
        (e) => isSwitchboardError(e, 'MEDIA_SRTP') && /NULL cipher suite.*refused/.test(e.message),
      );
    }
  });

  it('refuses suites with NULL authentication', () => {
    assert.throws(
      () => createSrtpContexts({ suite: 'AES_CM_128_NULL_AUTH', localKey: Buffer.alloc(30), remoteKey: Buffer.alloc(30) }),
      (e) => isSwitchboardError(e, 'MEDIA_SRTP') && /NULL authentication/.test(e.message),
    );
  });

  it('refuses suites it does not implement', () => {
    assert.throws(
      () => createSrtpContexts({ suite: 'F8_128_HMAC_SHA1_80', localKey: Buffer.alloc(30), remoteKey: Buffer.alloc(30) }),
      (e) => isSwitchboardError(e, 'MEDIA_SRTP') && /not supported/.test(e.message),
    );
  });

  it('refuses master key||salt of the wrong length for the suite', () => {
    assert.throws(
      () => createSrtpContexts({ suite: 'AEAD_AES_256_GCM', localKey: Buffer.alloc(28), remoteKey: Buffer.alloc(44) }),
      (e) => isSwitchboardError(e, 'MEDIA_SRTP') && /local master key\|\|salt .* 44 bytes, got 28/.test(e.message),
    );
  });

  it('refuses a replay window below 1 or maxRemoteSsrcs below 1', () => {
    const key = Buffer.alloc(30);
    const suite = 'AES_CM_128_HMAC_SHA1_80';
    assert.throws(() => createSrtpContexts({ suite, localKey: key, remoteKey: key, replayWindowSize: 0 }));
    assert.throws(() => createSrtpContexts({ suite, localKey: key, remoteKey: key, maxRemoteSsrcs: 0 }));
  });

  it('throws when asked to protect something that is not an RTP or RTCP packet', () => {
    const { alice } = pair('AES_CM_128_HMAC_SHA1_80');
    assert.throws(() => alice.protectRtp(Buffer.alloc(8)), (e) => isSwitchboardError(e, 'MEDIA_SRTP'));
    assert.throws(() => alice.protectRtcp(Buffer.alloc(4)), (e) => isSwitchboardError(e, 'MEDIA_SRTP'));
  });

  it('verifies the remote MKI between payload and tag for AES-CM', () => {
    const suite = 'AES_CM_128_HMAC_SHA1_80';
    const peerKey = generateCryptoKey(suite);
    const peer = createSrtpTransform(srtpProfile(suite), peerKey, Buffer.from([0, 0, 0, 9]));
    const us = createSrtpContexts({ suite, localKey: generateCryptoKey(suite), remoteKey: peerKey, remoteMki: { value: 9n, length: 4 } });
    const srtp = peer.protectRtp(rtpPacket(5), 12, SSRC, 0, 5);
    assert.deepEqual(srtp.subarray(172, 176), Buffer.from([0, 0, 0, 9]));
    assert.equal(srtp.length, 172 + 4 + 10);
    assert.deepEqual(us.unprotectRtp(srtp), rtpPacket(5));
    const wrongMki = peer.protectRtp(rtpPacket(6), 12, SSRC, 0, 6);
    wrongMki[175] = 8;
    assert.equal(us.unprotectRtp(wrongMki), 'auth');
  });

  it('keeps one context per remote SSRC and forgets the oldest beyond maxRemoteSsrcs', () => {
    const suite = 'AES_CM_128_HMAC_SHA1_80';
    const a = generateCryptoKey(suite);
    const b = generateCryptoKey(suite);
    const alice = createSrtpContexts({ suite, localKey: a, remoteKey: b });
    const bob = createSrtpContexts({ suite, localKey: b, remoteKey: a, maxRemoteSsrcs: 2 });
    const one = alice.protectRtp(rtpPacket(10, 1));
    assert.notEqual(typeof deliver(bob, one), 'string');
    assert.notEqual(typeof deliver(bob, alice.protectRtp(rtpPacket(20, 2))), 'string');
    assert.equal(deliver(bob, one), 'replay');
    assert.notEqual(typeof deliver(bob, alice.protectRtp(rtpPacket(30, 3))), 'string');
    assert.equal(bob.remoteRolloverCounter(1), undefined, 'SSRC 1 forgotten');
    assert.equal(bob.remoteRolloverCounter(3), 0);
  });
});
