import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCidr, isHost, isHostname, isIpAddress, isWebSocketUrl, normalizeCidr } from '../../../src/config/address-syntax.js';

describe('address syntax', () => {
  it('accepts IPv4 and IPv6 CIDRs with prefixes in range, and bare addresses', () => {
    for (const ok of ['10.0.0.0/8', '0.0.0.0/0', '192.0.2.1/32', '192.0.2.1', '2001:db8::/32', '::/0', '::1/128', '::ffff:192.0.2.1/128']) {
      assert.equal(isCidr(ok), true, ok);
    }
  });

  it('refuses bad octets, prefixes out of range or malformed, zone ids and names', () => {
    for (const bad of ['10.0.0.300/8', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/+8', '10.0.0.0/8/8',
      '10.0.0/8', 'fe80::1%eth0/64', 'pbx.example.com/32', '', '/8']) {
      assert.equal(isCidr(bad), false, bad);
    }
  });

  it('normalises bare addresses to a host prefix', () => {
    assert.equal(normalizeCidr('192.0.2.1'), '192.0.2.1/32');
    assert.equal(normalizeCidr('2001:db8::1'), '2001:db8::1/128');
    assert.equal(normalizeCidr('10.0.0.0/8'), '10.0.0.0/8');
  });

  it('tells IP addresses from host names (RFC 1123 §2.1)', () => {
    assert.equal(isIpAddress('::'), true);
    assert.equal(isIpAddress('localhost'), false);
    assert.equal(isHostname('sbc-1.example.com'), true);
    assert.equal(isHostname('localhost'), true);
    assert.equal(isHostname('3com.net'), true);
    for (const bad of ['10.0.0.300', '-a.example.com', 'a-.example.com', 'a..b', 'bad_host', 'example.com.', `${'a'.repeat(64)}.com`]) {
      assert.equal(isHostname(bad), false, bad);
    }
    assert.equal(isHost('10.0.0.300'), false);
    assert.equal(isHost('2001:db8::1'), true);
  });

  it('accepts only ws:// and wss:// URLs as agent URLs', () => {
    assert.equal(isWebSocketUrl('ws://127.0.0.1:8765/stream'), true);
    assert.equal(isWebSocketUrl('wss://agent.example.com/x?y=1'), true);
    assert.equal(isWebSocketUrl('http://127.0.0.1/stream'), false);
    assert.equal(isWebSocketUrl('ws://'), false);
    assert.equal(isWebSocketUrl('not a url'), false);
  });
});
