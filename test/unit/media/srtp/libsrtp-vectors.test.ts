/**
 * Full-path known answers: SDES master key||salt → RFC 3711 §4.3 key derivation → packet transform,
 * against libsrtp's reference packets (cisco/libsrtp test/srtp_driver.c, srtp_validate() and
 * srtp_validate_gcm(); read from the libsrtp source). These pin the parts the RFC vectors leave
 * out: SSRC/SEQ placement in the AES-CM IV, HMAC over packet || ROC, the SRTCP labels and trailer,
 * and the 12-octet GCM master salt padding of RFC 7714 erratum 4938.
 *
 * libsrtp numbers its first SRTCP packet 1 (RFC 3711 §3.4 starts at 0; the index is explicit on the
 * wire, so both interoperate) — the SRTCP vectors therefore use index 1.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSrtpContexts, createSrtpTransform } from '../../../../src/media/srtp/srtp-session.js';
import { srtpProfile } from '../../../../src/media/srtp/suites.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const NO_MKI = Buffer.alloc(0);

/** libsrtp test_key (first 30 octets): the RFC 3711 B.3 master key and salt. */
const CM_KEY = hex('e1f97a0d3e018be0d64fa32c06de4139 0ec675ad498afeebb6960b3aabe6');
/** libsrtp test_key_gcm: 16-octet key, 12-octet salt. */
const GCM_KEY = hex('000102030405060708090a0b0c0d0e0f a0a1a2a3a4a5a6a7a8a9aaab');

/** SEQ 0x1234, TS 0xdecafbad, SSRC 0xcafebabe, 16 octets of 0xab. */
const RTP = hex(`800f1234 decafbad cafebabe ${'ab'.repeat(16)}`);
const RTCP = hex(`81c8000b cafebabe ${'ab'.repeat(16)}`);
const SSRC = 0xcafebabe;

const CM_SRTP = hex('800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb');
const CM_SRTCP = hex('81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798');
const GCM_SRTP = hex('800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392');
const GCM_SRTCP = hex(
  '81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e 80000001',
);

describe('libsrtp reference packets (srtp_validate, AES_CM_128_HMAC_SHA1_80)', () => {
  const transform = createSrtpTransform(srtpProfile('AES_CM_128_HMAC_SHA1_80'), CM_KEY, NO_MKI);

  it('protects the reference RTP packet to the reference SRTP packet', () => {
    assert.equal(transform.protectRtp(RTP, 12, SSRC, 0, 0x1234).toString('hex'), CM_SRTP.toString('hex'));
  });

  it('protects the reference RTCP packet with SRTCP index 1 to the reference SRTCP packet', () => {
    assert.equal(transform.protectRtcp(RTCP, SSRC, 1, true).toString('hex'), CM_SRTCP.toString('hex'));
  });

  it('gets the same SRTP packet through createSrtpContexts, and the peer decrypts it and the SRTCP one', () => {
    const sender = createSrtpContexts({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: CM_KEY, remoteKey: CM_KEY });
    assert.deepEqual(sender.protectRtp(RTP), CM_SRTP);
    const receiver = createSrtpContexts({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: CM_KEY, remoteKey: CM_KEY });
    assert.deepEqual(receiver.unprotectRtp(Buffer.from(CM_SRTP)), RTP);
    assert.deepEqual(receiver.unprotectRtcp(Buffer.from(CM_SRTCP)), RTCP);
  });
});

describe('libsrtp reference packets (srtp_validate_gcm, AEAD_AES_128_GCM)', () => {
  const transform = createSrtpTransform(srtpProfile('AEAD_AES_128_GCM'), GCM_KEY, NO_MKI);

  it('derives session keys from the 12-octet master salt and protects the reference RTP packet', () => {
    assert.equal(transform.protectRtp(RTP, 12, SSRC, 0, 0x1234).toString('hex'), GCM_SRTP.toString('hex'));
  });

  it('protects the reference RTCP packet with SRTCP index 1 to the reference SRTCP packet', () => {
    assert.equal(transform.protectRtcp(RTCP, SSRC, 1, true).toString('hex'), GCM_SRTCP.toString('hex'));
  });

  it('decrypts both through createSrtpContexts', () => {
    const receiver = createSrtpContexts({ suite: 'AEAD_AES_128_GCM', localKey: GCM_KEY, remoteKey: GCM_KEY });
    assert.deepEqual(receiver.unprotectRtp(Buffer.from(GCM_SRTP)), RTP);
    assert.deepEqual(receiver.unprotectRtcp(Buffer.from(GCM_SRTCP)), RTCP);
  });
});

describe('GCM with a header extension and an MKI', () => {
  // The RFC 6904 Appendix A header (X = 1, 6 extension words) that libsrtp's GCM extension test uses,
  // left in clear (it is AAD), with a 4-octet MKI e1f97a0d after the tag. Expected packet from the
  // validation vectors of a Rust port of libsrtp's driver; its payload ciphertext
  // 0eca0cf95ee955b26cd3d288b49f6ca9 also appears in libsrtp's own
  // srtp_validate_encrypted_extensions_headers_gcm().
  const key = hex('e1f97a0d3e018be0d64fa32c06de4139 0ec675ad498afeebb6960b3a');
  const rtp = hex(`900f1234 decafbad cafebabe bede0006 17414273 a4752627 48220000 c8308e46
                   55996386 b395fb00 ${'ab'.repeat(16)}`);
  const srtp = hex(`900f1234 decafbad cafebabe bede0006 17414273 a4752627 48220000 c8308e46
                    55996386 b395fb00 0eca0cf95ee955b26cd3d288b49f6ca9 e0eb4eab09af2baef6804f141b9b02b0
                    e1f97a0d`);

  it('authenticates the extension as AAD and appends the MKI after the tag', () => {
    const transform = createSrtpTransform(srtpProfile('AEAD_AES_128_GCM'), key, hex('e1f97a0d'));
    assert.equal(transform.protectRtp(rtp, 40, SSRC, 0, 0x1234).toString('hex'), srtp.toString('hex'));
  });

  it('is accepted by a context told the remote MKI, and refused under another MKI', () => {
    const ok = createSrtpContexts({
      suite: 'AEAD_AES_128_GCM',
      localKey: key,
      remoteKey: key,
      remoteMki: { value: 0xe1f97a0dn, length: 4 },
    });
    assert.deepEqual(ok.unprotectRtp(Buffer.from(srtp)), rtp);
    const other = createSrtpContexts({
      suite: 'AEAD_AES_128_GCM',
      localKey: key,
      remoteKey: key,
      remoteMki: { value: 1n, length: 4 },
    });
    assert.equal(other.unprotectRtp(Buffer.from(srtp)), 'auth');
  });
});
