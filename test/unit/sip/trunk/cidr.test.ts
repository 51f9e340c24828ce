import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CidrList, cidrContains, parseCidr, parseIp } from '../../../../src/sip/trunk/cidr.js';

const contains = (cidr: string, addr: string): boolean => {
  const c = parseCidr(cidr);
  const ip = parseIp(addr);
  assert.ok(c, `cidr ${cidr}`);
  assert.ok(ip, `ip ${addr}`);
  return cidrContains(c, ip);
};

describe('cidr (RFC 4632 §3.1, RFC 4291 §2.2)', () => {
  it('parses IPv4 blocks to canonical text, clearing host bits', () => {
    assert.equal(parseCidr('10.0.0.0/8')?.text, '10.0.0.0/8');
    assert.equal(parseCidr('10.1.2.3/8')?.text, '10.0.0.0/8');
    assert.equal(parseCidr('192.168.1.77/0')?.text, '0.0.0.0/0');
    assert.equal(parseCidr(' 203.0.113.5 ')?.text, '203.0.113.5/32');
  });

  it('parses IPv6 blocks, a bare address being /128', () => {
    assert.equal(parseCidr('::1')?.text, '0:0:0:0:0:0:0:1/128');
    assert.equal(parseCidr('2001:db8::/32')?.text, '2001:db8:0:0:0:0:0:0/32');
    assert.equal(parseCidr('2001:DB8::ffff:1/64')?.text, '2001:db8:0:0:0:0:0:0/64');
    assert.equal(parseCidr('::ffff:10.0.0.0/104')?.prefix, 104);
  });

  const garbage = [
    '', 'foo', '10.0.0', '10.0.0.0.0', '256.0.0.1', '10.0.0.01', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/-1',
    '10.0.0.0/08', '10.0.0.0/8/8', '10.0.0.0 /8', '::1/129', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '12345::',
    'fe80::1%eth0', 'g::1', '1:2:3:4:5:6:7:8::', '::1.2.3', '[::1]',
  ];
  for (const text of garbage) {
    it(`returns undefined for ${JSON.stringify(text)}`, () => assert.equal(parseCidr(text), undefined));
  }

  it('matches IPv4 sources by prefix', () => {
    assert.equal(contains('10.0.0.0/8', '10.255.0.1'), true);
    assert.equal(contains('10.0.0.0/8', '11.0.0.1'), false);
    assert.equal(contains('203.0.113.5', '203.0.113.5'), true);
    assert.equal(contains('203.0.113.5', '203.0.113.6'), false);
    assert.equal(contains('0.0.0.0/0', '255.255.255.255'), true);
    assert.equal(contains('192.168.0.0/23', '192.168.1.255'), true);
    assert.equal(contains('192.168.0.0/23', '192.168.2.0'), false);
  });

  it('matches IPv6 sources by prefix across word boundaries', () => {
    assert.equal(contains('::1/128', '::1'), true);
    assert.equal(contains('::1/128', '::2'), false);
    assert.equal(contains('2001:db8::/32', '2001:db8:ffff::1'), true);
    assert.equal(contains('2001:db8::/32', '2001:db9::1'), false);
    assert.equal(contains('2001:db8:0:8000::/49', '2001:db8:0:8fff::1'), true);
    assert.equal(contains('2001:db8:0:8000::/49', '2001:db8:0:7fff::1'), false);
  });

  it('matches IPv4-mapped IPv6 sources against IPv4 blocks', () => {
    assert.deepEqual(parseIp('::ffff:127.0.0.1'), { family: 4, value: 0x7f000001 });
    assert.deepEqual(parseIp('::FFFF:7f00:1'), { family: 4, value: 0x7f000001 });
    assert.equal(contains('127.0.0.0/8', '::ffff:127.0.0.1'), true);
    assert.equal(contains('10.0.0.0/8', '::ffff:127.0.0.1'), false);
  });

  it('matches IPv4 sources against an IPv4-mapped IPv6 block', () => {
    assert.equal(contains('::ffff:10.0.0.0/104', '10.9.9.9'), true);
    assert.equal(contains('::ffff:10.0.0.0/104', '11.9.9.9'), false);
  });

  it('never matches an IPv6 source against an IPv4 block', () => {
    assert.equal(contains('0.0.0.0/0', '::1'), false);
  });

  it('ignores the zone of a link-local source', () => {
    assert.equal(contains('fe80::/10', 'fe80::1%eth0'), true);
    assert.equal(parseIp('fe80::1%'), undefined);
  });

  it('parses full, compressed and dotted-quad IPv6 forms to the same words', () => {
    const full = parseIp('2001:0db8:0000:0000:0000:0000:0102:0304');
    assert.deepEqual(parseIp('2001:db8::102:304'), full);
    assert.deepEqual(parseIp('2001:db8::1.2.3.4'), full);
  });

  it('CidrList matches any of its blocks and refuses to build from garbage', () => {
    const list = CidrList.parse(['10.0.0.0/8', '2001:db8::/32']);
    assert.ok(list);
    assert.equal(list.has('10.1.1.1'), true);
    assert.equal(list.has('2001:db8::5'), true);
    assert.equal(list.has('192.0.2.1'), false);
    assert.equal(list.has('not an ip'), false);
    assert.equal(CidrList.parse(['10.0.0.0/8', 'nope']), undefined);
  });
});
