import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimatePacketIndex, rolloverCounter } from '../../../../src/media/srtp/packet-index.js';

describe('RFC 3711 §3.3.1 / Appendix A packet index estimate', () => {
  it('keeps ROC for nearby sequence numbers', () => {
    assert.equal(estimatePacketIndex(1000, 1001), 1001);
    assert.equal(estimatePacketIndex(1000, 990), 990);
    assert.equal(estimatePacketIndex(5 * 65536 + 40000, 40100), 5 * 65536 + 40100);
  });

  it('uses ROC+1 when SEQ wrapped past 65535 (s_l >= 2^15 and s_l - 2^15 > SEQ)', () => {
    assert.equal(estimatePacketIndex(65535, 0), 65536);
    assert.equal(estimatePacketIndex(3 * 65536 + 65530, 10), 4 * 65536 + 10);
  });

  it('uses ROC-1 for a late packet from before the wrap (s_l < 2^15 and SEQ - s_l > 2^15)', () => {
    assert.equal(estimatePacketIndex(65536 + 3, 65534), 65534);
    assert.equal(estimatePacketIndex(7 * 65536 + 100, 65000), 6 * 65536 + 65000);
  });

  it('gives a negative index for ROC-1 when ROC is 0 (a packet from before the stream)', () => {
    assert.ok(estimatePacketIndex(10, 60000) < 0);
  });

  it('switches at exactly 2^15 as in the pseudocode', () => {
    assert.equal(estimatePacketIndex(0, 32768), 32768); // SEQ - s_l = 2^15: not > 2^15
    assert.equal(estimatePacketIndex(0, 32769), 32769 - 65536);
    assert.equal(estimatePacketIndex(32768, 0), 0); // s_l - 2^15 = 0: not > SEQ
    assert.equal(estimatePacketIndex(32769, 0), 65536);
  });

  it('reads ROC back from an index', () => {
    assert.equal(rolloverCounter(65535), 0);
    assert.equal(rolloverCounter(65536), 1);
    assert.equal(rolloverCounter(0xffff_ffff * 65536 + 5), 0xffff_ffff);
  });
});
