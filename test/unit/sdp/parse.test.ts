import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchboardError } from '../../../src/shared/errors.js';
import { parseSdp } from '../../../src/sdp/parse.js';
import { ASTERISK_OFFER, SIPP_OFFER, sdp } from './sdp-fixtures.js';

function assertParseError(text: string, reasonPart: string): void {
  assert.throws(
    () => parseSdp(text),
    (e: unknown) => isSwitchboardError(e, 'SDP_PARSE') && e.message.includes(reasonPart),
  );
}

describe('parseSdp (RFC 4566)', () => {
  it('reads the session and media lines of the SIPp default offer', () => {
    const s = parseSdp(SIPP_OFFER);
    assert.equal(s.version, 0);
    assert.deepEqual(s.origin, {
      username: 'user1',
      sessionId: '53655765',
      sessionVersion: '2353687637',
      netType: 'IN',
      addrType: 'IP4',
      address: '192.0.2.50',
    });
    assert.equal(s.sessionName, '-');
    assert.deepEqual(s.connection, { netType: 'IN', addrType: 'IP4', address: '192.0.2.50' });
    assert.deepEqual(s.timings, [{ start: '0', stop: '0', repeats: [] }]);
    assert.equal(s.media.length, 1);
    const m = s.media[0];
    assert.equal(m?.type, 'audio');
    assert.equal(m?.port, 6000);
    assert.equal(m?.protocol, 'RTP/AVP');
    assert.deepEqual(m?.formats, ['0']);
    assert.deepEqual(m?.attributes, [{ name: 'rtpmap', value: '0 PCMU/8000' }]);
  });

  it('accepts bare LF line ends and gives the same description as CRLF', () => {
    assert.deepEqual(parseSdp(ASTERISK_OFFER.replaceAll('\r\n', '\n')), parseSdp(ASTERISK_OFFER));
  });

  it('skips blank lines and trailing blanks', () => {
    const s = parseSdp(`${SIPP_OFFER.replace('a=rtpmap:0 PCMU/8000', 'a=rtpmap:0 PCMU/8000  ')}\r\n\r\n`);
    assert.deepEqual(s.media[0]?.attributes, [{ name: 'rtpmap', value: '0 PCMU/8000' }]);
  });

  it('keeps property attributes without a value and value attributes with an empty one apart', () => {
    const s = parseSdp(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'a=sendonly', 'a=x-empty:'));
    assert.deepEqual(s.attributes, [{ name: 'sendonly' }, { name: 'x-empty', value: '' }]);
  });

  it('keeps s=<space> exactly', () => {
    assert.equal(parseSdp(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's= ', 't=0 0')).sessionName, ' ');
  });

  it('reads a port count and bandwidth lines', () => {
    const s = parseSdp(
      sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'b=CT:256', 't=0 0', 'm=audio 49170/2 RTP/AVP 0', 'b=AS:64'),
    );
    assert.deepEqual(s.bandwidths, [{ type: 'CT', value: 256 }]);
    assert.equal(s.media[0]?.port, 49170);
    assert.equal(s.media[0]?.portCount, 2);
    assert.deepEqual(s.media[0]?.bandwidths, [{ type: 'AS', value: 64 }]);
  });

  it('keeps u=, e=, p=, r=, z=, k= and unknown letters', () => {
    const s = parseSdp(
      sdp(
        'v=0',
        'o=- 1 1 IN IP4 192.0.2.1',
        's=-',
        'u=http://example.com/sdp',
        'e=ops@example.com',
        't=3034423619 3042462419',
        'r=7d 1h 0 25h',
        'z=2882844526 -1h',
        'y=1234567890',
        'm=audio 4000 RTP/AVP 0',
        'k=prompt',
      ),
    );
    assert.deepEqual(s.timings, [{ start: '3034423619', stop: '3042462419', repeats: ['7d 1h 0 25h'] }]);
    assert.deepEqual(s.otherLines, [
      { type: 'u', value: 'http://example.com/sdp' },
      { type: 'e', value: 'ops@example.com' },
      { type: 'z', value: '2882844526 -1h' },
      { type: 'y', value: '1234567890' },
    ]);
    assert.deepEqual(s.media[0]?.otherLines, [{ type: 'k', value: 'prompt' }]);
  });

  it('is lenient on s= and t= placement and on a missing t=', () => {
    const s = parseSdp(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 't=0 0', 'c=IN IP4 192.0.2.1', 's=sloppy'));
    assert.equal(s.sessionName, 'sloppy');
    assert.equal(s.timings.length, 1);
    const noTiming = parseSdp(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'm=audio 4000 RTP/AVP 0'));
    assert.deepEqual(noTiming.timings, []);
  });

  it('refuses a body that is not SDP', () => {
    assertParseError('<html><body>hello</body></html>', 'not SDP');
    assertParseError('{"sdp":"v=0"}', 'not SDP');
    assertParseError('', 'empty');
    assertParseError('\r\n\r\n', 'empty');
    assertParseError(sdp('o=- 1 1 IN IP4 192.0.2.1', 'v=0', 's=-'), 'does not start with v=');
  });

  it('refuses version 1, a missing o= or s=, and duplicated v=, o=, s=', () => {
    assertParseError(sdp('v=1', 'o=- 1 1 IN IP4 192.0.2.1', 's=-'), 'only version 0');
    assertParseError(sdp('v=0', 's=-', 't=0 0'), 'o= line is missing');
    assertParseError(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 't=0 0'), 's= line is missing');
    assertParseError(sdp('v=0', 'v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-'), 'v= appears twice');
    assertParseError(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 'o=- 1 1 IN IP4 192.0.2.1', 's=-'), 'o= appears twice');
    assertParseError(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 's=-'), 's= appears twice');
  });

  it('refuses malformed lines with the line number', () => {
    const head = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0'];
    assertParseError(sdp(...head, 'this is not a line'), 'line 5 is not <type>=<value>');
    assertParseError(sdp(...head, 'A=sendrecv'), 'line 5');
    assertParseError(sdp(...head, 'c=IN IP4'), 'line 5 (c=): expected 3 fields, got 2');
    assertParseError(sdp(...head, 'b=AS:lots'), 'line 5 (b=)');
    assertParseError(sdp(...head, 'm=audio port RTP/AVP 0'), 'line 5 (m=): port');
    assertParseError(sdp(...head, 'm=audio 70000 RTP/AVP 0'), 'line 5 (m=): port');
    assertParseError(sdp(...head, 'm=audio 4000/0 RTP/AVP 0'), 'number of ports');
    assertParseError(sdp(...head, 'm=audio 4000'), 'line 5 (m=)');
    assertParseError(sdp(...head, 'a=:value'), 'attribute has no name');
    assertParseError(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=now later'), 'line 4 (t=)');
    assertParseError(sdp(...head, 'm=audio 4000 RTP/AVP 0', 'o=- 2 2 IN IP4 192.0.2.1'), 'o=');
  });

  it('does not echo line content (which may be a phone number) in errors', () => {
    assert.throws(
      () => parseSdp(sdp('v=0', 'o=+15551234567 1 IN IP4 192.0.2.1', 's=-')),
      (e: unknown) => isSwitchboardError(e, 'SDP_PARSE') && !e.message.includes('5551234567'),
    );
  });
});
