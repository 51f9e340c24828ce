/**
 * Offers as real endpoints write them (typed by hand, addresses from the RFC 5737 documentation
 * ranges). `sdp(...)` joins lines with CRLF and ends the last one, as RFC 4566 §5 wants.
 */
export function sdp(...lines: string[]): string {
  return lines.map((l) => `${l}\r\n`).join('');
}

/** RFC 4568 §4 example keys (30 bytes of key||salt each). */
export const RFC4568_KEY_80 = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
export const RFC4568_KEY_32 = 'NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj';
/** 28 bytes (AEAD_AES_128_GCM) and 44 bytes (AEAD_AES_256_GCM) of key||salt. */
export const GCM128_KEY = Buffer.alloc(28, 0x11).toString('base64');
export const GCM256_KEY = Buffer.alloc(44, 0x22).toString('base64');

/** SIPp's built-in uac scenario after [media_port], [media_ip] and [local_ip] substitution. */
export const SIPP_OFFER = sdp(
  'v=0',
  'o=user1 53655765 2353687637 IN IP4 192.0.2.50',
  's=-',
  'c=IN IP4 192.0.2.50',
  't=0 0',
  'm=audio 6000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
);

/** Asterisk chan_pjsip with ulaw, alaw, g722 allowed and RFC 4733 DTMF. */
export const ASTERISK_OFFER = sdp(
  'v=0',
  'o=- 1712345678 1712345680 IN IP4 192.0.2.10',
  's=Asterisk',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 13054 RTP/AVP 0 8 9 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=maxptime:150',
  'a=sendrecv',
);

/** FreeSWITCH with G722 preferred, comfort noise and an RFC 3605 a=rtcp line. */
export const FREESWITCH_OFFER = sdp(
  'v=0',
  'o=FreeSWITCH 1712340000 1712340001 IN IP4 198.51.100.20',
  's=FreeSWITCH',
  'c=IN IP4 198.51.100.20',
  't=0 0',
  'm=audio 24580 RTP/AVP 9 0 8 101 13',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=rtpmap:13 CN/8000',
  'a=ptime:20',
  'a=sendrecv',
  'a=rtcp:24581 IN IP4 198.51.100.20',
);

/** baresip with mediaenc=srtp-mand: RTP/SAVP, opus first, four SDES crypto lines. */
export const BARESIP_SRTP_OFFER = sdp(
  'v=0',
  'o=- 3917434322 3917434322 IN IP4 203.0.113.5',
  's=-',
  'c=IN IP4 203.0.113.5',
  't=0 0',
  'a=tool:baresip 3.10.1',
  'm=audio 10036 RTP/SAVP 96 0 8 101',
  'b=AS:128',
  'a=rtpmap:96 opus/48000/2',
  'a=fmtp:96 stereo=1;sprop-stereo=1',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=rtcp-rsize',
  'a=ptime:20',
  'a=sendrecv',
  `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`,
  `a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${RFC4568_KEY_32}`,
  `a=crypto:3 AEAD_AES_256_GCM inline:${GCM256_KEY}`,
  `a=crypto:4 AEAD_AES_128_GCM inline:${GCM128_KEY}`,
);

/** A minimal PCMU offer whose media section is built from the given extra lines. */
export function audioOffer(options: { proto?: string; formats?: string; lines?: string[]; c?: string } = {}): string {
  return sdp(
    'v=0',
    'o=- 100 1 IN IP4 192.0.2.30',
    's=-',
    `c=IN IP4 ${options.c ?? '192.0.2.30'}`,
    't=0 0',
    `m=audio 40000 ${options.proto ?? 'RTP/AVP'} ${options.formats ?? '0 101'}`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    ...(options.lines ?? []),
  );
}

/** Our local media options with a fixed session id so answers can be compared as text. */
export const LOCAL = {
  address: '203.0.113.100',
  port: 30000,
  sessionId: '4242',
} as const;
