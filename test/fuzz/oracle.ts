/**
 * What must hold for any input to Switchboard's SIP message layer (the fuzzer's test oracle):
 *  - parseMessage never throws (RFC 3261 §18.3.1: a broken datagram is dropped or answered 400, nothing worse);
 *  - every lazy view, validateRequest and sdpOf run without throwing on whatever parsed;
 *  - a 400 built from a request with the §8.1.1 headers serializes to bytes that we parse back as that 400
 *    with the same Via/From/To/Call-ID/CSeq (what we send must be parseable by ourselves, §8.2.6.2);
 *  - a message that parsed cleanly serializes and re-parses to the same start line, headers and body;
 *  - StreamFramer (§18.3) never throws on any chunking and never emits more bytes than it was given, and
 *    parseMessage never throws on what it emits (framing 'exact').
 * A broken rule throws a FuzzFailure naming the stage; otherwise the result names the outcome.
 */
import { parseMessage, type ParseOptions } from '../../src/sip/message/parse.js';
import { validateRequest, hasResponseHeaders, isUsableResponse } from '../../src/sip/message/validate.js';
import { UAS_CAPABILITIES } from '../../src/sip/message/capabilities.js';
import { sdpOf } from '../../src/sip/message/multipart.js';
import { createResponse } from '../../src/sip/message/build.js';
import { serialize } from '../../src/sip/message/serialize.js';
import { normalizeName } from '../../src/sip/message/headers.js';
import { formatUri, uriUser } from '../../src/sip/message/uri.js';
import { formatNameAddr } from '../../src/sip/message/name-addr.js';
import { formatVia } from '../../src/sip/message/via.js';
import type { SipMessage, SipRequest } from '../../src/sip/message/sip-message.js';
import { StreamFramer } from '../../src/sip/transport/stream-framer.js';
import type { Prng } from './prng.js';

export const MAX_BYTES = 65535;
const PARSE_OPTIONS: ParseOptions = { framing: 'datagram', maxBytes: MAX_BYTES };
/** Most chunks one input is split into for the stream framer. */
const MAX_CHUNKS = 16;

/** Where a failure happened; 'oracle' = outside any stage (a bug in the harness itself). */
export type Stage = 'parse' | 'views' | 'validate' | 'response' | 'roundtrip' | 'framer' | 'framed-parse' | 'oracle';

export class FuzzFailure extends Error {
  constructor(
    readonly stage: Stage,
    readonly kind: 'exception' | 'invariant',
    message: string,
    /** For exceptions: the first src/ frame of the stack, `src/…/file.ts:line:col`. */
    readonly location?: string,
  ) {
    super(message);
    this.name = 'FuzzFailure';
  }

  static fromError(stage: Stage, err: unknown): FuzzFailure {
    if (err instanceof FuzzFailure) return err;
    const e = err instanceof Error ? err : new Error(String(err));
    const frame = (e.stack ?? '').split('\n').find((l) => l.includes('/src/'));
    const location = frame ? /(src\/[^):]+:\d+:\d+)/.exec(frame)?.[1] : undefined;
    return new FuzzFailure(stage, 'exception', `${e.name}: ${e.message}`, location);
  }
}

export interface OracleResult {
  /** Coarse outcome for the progress table: `drop`, `request 400`, `request process`, `response usable`, … */
  outcome: string;
  /** Finer signature (outcome, reason, framer events) the loop uses as cheap coverage feedback. */
  signature: string;
  /** Milliseconds per stage (hang reports name the slowest). */
  stageMs: Partial<Record<Stage, number>>;
}

export type Clock = () => number;

function invariant(stage: Stage, ok: boolean, message: string): void {
  if (!ok) throw new FuzzFailure(stage, 'invariant', message);
}

/** Runs each stage, timing it and turning any exception into a FuzzFailure for that stage. */
class StageRunner {
  readonly stageMs: Partial<Record<Stage, number>> = {};
  constructor(private readonly clock: Clock) {}

  run<T>(stage: Stage, fn: () => T): T {
    const start = this.clock();
    try {
      return fn();
    } catch (err) {
      throw FuzzFailure.fromError(stage, err);
    } finally {
      this.stageMs[stage] = (this.stageMs[stage] ?? 0) + this.clock() - start;
    }
  }
}

/** Read every lazy view and format what parsed, so a view that throws is found (the sum only gives the reads a use). */
function touchViews(msg: SipMessage): number {
  let n = msg.callId.length + (msg.fromTag?.length ?? 0) + (msg.toTag?.length ?? 0) + (msg.contentType?.length ?? 0);
  const via = msg.topVia;
  if (via) n += formatVia(via).length;
  for (const na of [msg.from, msg.to]) if (na) n += formatNameAddr(na).length + uriUser(na.uri).length;
  n += msg.cseq?.seq ?? 0;
  if (msg.kind === 'request' && msg.requestUri) n += formatUri(msg.requestUri).length + uriUser(msg.requestUri).length;
  return n;
}

const RESPONSE_COPIED = ['from', 'to', 'call-id', 'cseq'] as const;

/** §8.2.6.2: our 400 must come back from our own parser as a 400 carrying the request's headers. */
function checkResponse(req: SipRequest): void {
  const wire = serialize(createResponse(req, 400, 'x'));
  const { message: back, error } = parseMessage(wire, PARSE_OPTIONS);
  invariant('response', back?.kind === 'response' && back.status === 400, 'the 400 built for the request does not re-parse as a 400 response');
  if (!back || wire.length > MAX_BYTES) return;
  invariant('response', !error, `the 400 built for the request re-parses with error ${error?.status} ${error?.reason}`);
  invariant('response', sameList(back.headers.getAll('via'), req.headers.getAll('via')), 'the 400 does not carry the request Via values in order');
  for (const name of RESPONSE_COPIED) {
    invariant('response', back.headers.get(name) === req.headers.get(name), `the 400 changes the ${name} value`);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Headers as serialize() writes them: normalized name → values (Content-Length is rewritten, so left out). */
function headerTable(msg: SipMessage): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const [name, values] of msg.headers.entries()) {
    invariant('roundtrip', typeof name === 'string', `a header name serializes as ${typeof name}, not a string: ${String(name).slice(0, 60)}`);
    const lower = normalizeName(String(name));
    if (lower !== 'content-length') table.set(lower, [...(table.get(lower) ?? []), ...values]);
  }
  return table;
}

/** A cleanly parsed message, serialized, parses back to the same message (what a proxy or log would send). */
function checkRoundTrip(msg: SipMessage): void {
  const before = headerTable(msg);
  const wire = serialize(msg);
  const parsed = parseMessage(wire, PARSE_OPTIONS);
  const back = parsed.message;
  invariant('roundtrip', back !== undefined && back.kind === msg.kind, `the serialized ${msg.kind} does not re-parse as a ${msg.kind}`);
  if (!back || wire.length > MAX_BYTES) return;
  invariant('roundtrip', !parsed.error, `the serialized ${msg.kind} re-parses with error ${parsed.error?.status} ${parsed.error?.reason}`);
  if (msg.kind === 'request' && back.kind === 'request') {
    invariant('roundtrip', back.method === msg.method && back.uri === msg.uri, 'the request line changes in a round trip');
  } else if (msg.kind === 'response' && back.kind === 'response') {
    invariant('roundtrip', back.status === msg.status && back.reason === msg.reason, 'the status line changes in a round trip');
  }
  const after = headerTable(back);
  invariant('roundtrip', before.size === after.size, `header names change in a round trip: ${[...before.keys()].join(',')} → ${[...after.keys()].join(',')}`);
  for (const [name, values] of before) {
    invariant('roundtrip', sameList(after.get(name) ?? [], values), `the ${name} values change in a round trip`);
  }
  invariant('roundtrip', back.body.equals(msg.body), 'the body changes in a round trip');
}

/** Feed the bytes in 1..MAX_CHUNKS random chunks; returns the event kinds seen and the framed messages. */
function checkFramer(input: Buffer, rng: Prng): { kinds: string; messages: Buffer[] } {
  const cuts = Array.from({ length: rng.logInt(MAX_CHUNKS) - 1 }, () => rng.int(input.length + 1)).sort((a, b) => a - b);
  const framer = new StreamFramer(MAX_BYTES);
  const kinds = new Set<string>();
  const messages: Buffer[] = [];
  let emitted = 0;
  let from = 0;
  for (const to of [...cuts, input.length]) {
    for (const ev of framer.push(input.subarray(from, to))) {
      kinds.add(ev.type === 'error' ? `error ${ev.reason}` : ev.type);
      if (ev.type === 'message') {
        emitted += ev.data.length;
        messages.push(ev.data);
      }
    }
    from = to;
  }
  invariant('framer', emitted <= input.length, `the framer emitted ${emitted} bytes of messages from ${input.length} input bytes`);
  return { kinds: [...kinds].sort().join('+'), messages };
}

export function checkSipInput(input: Buffer, rng: Prng, clock: Clock): OracleResult {
  const stages = new StageRunner(clock);
  const parsed = stages.run('parse', () => parseMessage(input, PARSE_OPTIONS));
  const msg = parsed.message;
  let outcome = 'drop';
  let detail = parsed.error?.reason ?? '';
  if (msg?.kind === 'response') {
    stages.run('views', () => touchViews(msg));
    outcome = parsed.error ? `response error ${parsed.error.status}` : `response ${isUsableResponse(msg) ? 'usable' : 'unusable'}`;
  } else if (msg) {
    stages.run('views', () => touchViews(msg));
    const rejection = stages.run('validate', () => {
      sdpOf(msg);
      return validateRequest(msg, UAS_CAPABILITIES);
    });
    outcome = parsed.error ? `request error ${parsed.error.status}` : `request ${rejection?.status ?? 'process'}`;
    detail ||= rejection?.reason ?? '';
    if (hasResponseHeaders(msg)) stages.run('response', () => checkResponse(msg));
  }
  if (msg && !parsed.error) stages.run('roundtrip', () => checkRoundTrip(msg));
  const frames = stages.run('framer', () => checkFramer(input, rng));
  stages.run('framed-parse', () => {
    for (const m of frames.messages) parseMessage(m, { framing: 'exact', maxBytes: MAX_BYTES });
  });
  return { outcome, signature: `${outcome}|${detail}|${frames.kinds}`, stageMs: stages.stageMs };
}
