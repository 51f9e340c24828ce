/** Session-timer negotiation and schedule (RFC 4028 §4, §7.2, §9, §10) as pure functions. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  expiryDelayMs, negotiateAsUas, parseSessionExpires, readAnswerAsUac, refreshDelayMs, sessionExpiresHeader,
  type SessionTimerConfig,
} from '../../../../src/sip/dialog/session-timer.js';
import { parseRequest, parseResponse } from '../../../support/sip-text.js';

const CFG: SessionTimerConfig = { enabled: true, sessionExpires: 1800, minSE: 90 };

function invite(...extra: string[]) {
  return parseRequest([
    'INVITE sip:service@198.51.100.1 SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK-st',
    'From: <sip:pbx@192.0.2.101>;tag=a',
    'To: <sip:service@198.51.100.1>',
    'Call-ID: st@192.0.2.101',
    'CSeq: 1 INVITE',
    ...extra,
    'Content-Length: 0',
  ]);
}

function ok(...extra: string[]) {
  return parseResponse([
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bK-st',
    'From: <sip:service@198.51.100.1>;tag=a',
    'To: <sip:pbx@192.0.2.101>;tag=b',
    'Call-ID: st@192.0.2.101',
    'CSeq: 1 INVITE',
    ...extra,
    'Content-Length: 0',
  ]);
}

describe('parseSessionExpires (RFC 4028 §4)', () => {
  it('reads delta-seconds and the refresher, case-insensitively, ignoring other parameters', () => {
    assert.deepEqual(parseSessionExpires('90;refresher=uac'), { interval: 90, refresher: 'uac' });
    assert.deepEqual(parseSessionExpires(' 1800 ; Refresher = UAS ;x=1'), { interval: 1800, refresher: 'uas' });
    assert.deepEqual(parseSessionExpires('4000'), { interval: 4000 });
    assert.equal(parseSessionExpires('soon'), undefined);
    assert.equal(parseSessionExpires(undefined), undefined);
  });
});

describe('negotiateAsUas (RFC 4028 §9)', () => {
  it('keeps the UAC interval and refresher when it is at least our Min-SE and at most our preference', () => {
    assert.deepEqual(negotiateAsUas(invite('Supported: timer', 'Session-Expires: 90;refresher=uac'), CFG),
      { kind: 'use', plan: { interval: 90, refresher: 'uac' }, peerSupports: true });
  });

  it('rejects (422) a Session-Expires below our Min-SE, naming our Min-SE', () => {
    assert.deepEqual(negotiateAsUas(invite('Supported: timer', 'Session-Expires: 30'), CFG), { kind: 'reject', minSE: 90 });
  });

  it('lowers a long interval to our preference', () => {
    const d = negotiateAsUas(invite('Supported: timer', 'Session-Expires: 7200'), CFG);
    assert.deepEqual(d, { kind: 'use', plan: { interval: 1800, refresher: 'uac' }, peerSupports: true });
  });

  it('never lowers the interval below the Min-SE of the request', () => {
    const d = negotiateAsUas(invite('Supported: timer', 'Session-Expires: 7200', 'Min-SE: 3600'), CFG);
    assert.deepEqual(d, { kind: 'use', plan: { interval: 3600, refresher: 'uac' }, peerSupports: true });
  });

  it('an interval we insert for a UAC that asked for none also respects its Min-SE', () => {
    const d = negotiateAsUas(invite('Supported: timer', 'Min-SE: 2400'), CFG);
    assert.deepEqual(d, { kind: 'use', plan: { interval: 2400, refresher: 'uac' }, peerSupports: true });
  });

  it('chooses the UAC as refresher when it supports timer and named none, else us', () => {
    assert.deepEqual(negotiateAsUas(invite('Supported: timer', 'Session-Expires: 600'), CFG),
      { kind: 'use', plan: { interval: 600, refresher: 'uac' }, peerSupports: true });
    assert.deepEqual(negotiateAsUas(invite('Session-Expires: 600'), CFG),
      { kind: 'use', plan: { interval: 600, refresher: 'uas' }, peerSupports: false });
    assert.deepEqual(negotiateAsUas(invite(), CFG), { kind: 'use', plan: { interval: 1800, refresher: 'uas' }, peerSupports: false });
  });

  it('does nothing when session timers are disabled', () => {
    assert.deepEqual(negotiateAsUas(invite('Session-Expires: 30'), { ...CFG, enabled: false }), { kind: 'none' });
  });
});

describe('readAnswerAsUac (RFC 4028 §7.2)', () => {
  it('takes interval and refresher from the 2xx; no Session-Expires means no timer', () => {
    assert.deepEqual(readAnswerAsUac(ok('Session-Expires: 90;refresher=uas')), { interval: 90, refresher: 'uas' });
    assert.deepEqual(readAnswerAsUac(ok('Session-Expires: 90')), { interval: 90, refresher: 'uac' });
    assert.equal(readAnswerAsUac(ok()), undefined);
  });
});

describe('schedule (RFC 4028 §10)', () => {
  it('refreshes at half the interval and expires at interval − min(32, interval/3)', () => {
    assert.equal(refreshDelayMs({ interval: 90, refresher: 'uac' }), 45_000);
    assert.equal(expiryDelayMs({ interval: 90, refresher: 'uac' }), 60_000);
    assert.equal(expiryDelayMs({ interval: 1800, refresher: 'uas' }), 1_768_000);
    assert.equal(sessionExpiresHeader({ interval: 90, refresher: 'uas' }), '90;refresher=uas');
  });
});
