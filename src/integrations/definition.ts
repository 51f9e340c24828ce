import { Ajv, type ErrorObject } from 'ajv';
import { SwitchboardError } from '../shared/errors.js';
import type { AuthScheme, OutgoingRequest } from './auth/index.js';
import type { UpstreamTls } from './http-client.js';
import { ParamRules } from './params.js';
import { ResponseMap } from './response-map.js';
import { IntegrationSchema, type HttpMethod, type IntegrationDefinition } from './schema.js';
import {
  compileHeader, compileJsonBody, compileUrl, compileXmlBody, emptyRefs,
  type CallField, type CompiledUrl, type TemplateValues,
} from './template.js';

/**
 * From a definition (as in a dialplan file) to what the runner executes: validated, defaults filled, templates
 * compiled, every name they use checked against the declared parameters, the response map compiled.
 * Problems are CONFIG_INVALID errors naming the integration and the key.
 */

const ajv = new Ajv({ allErrors: true, useDefaults: 'empty', coerceTypes: true, allowUnionTypes: true, strict: true });
const validate = ajv.compile(IntegrationSchema);

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(integration)' : e.instancePath.slice(1).replaceAll('/', '.');
  return `${where} ${e.message ?? 'is invalid'}`;
}

/**
 * Validate one integration and fill its defaults, as the config layer does with the dialplan schema (for use
 * without it: tests, benches, tools). The input is not modified.
 */
export function parseIntegration(value: unknown): IntegrationDefinition {
  const copy: unknown = structuredClone(value);
  if (!validate(copy)) {
    const name = copy !== null && typeof copy === 'object' && 'name' in copy ? String(copy.name) : '?';
    throw new SwitchboardError('CONFIG_INVALID', `integration ${name}: ${(validate.errors ?? []).map(describe).join('; ')}`);
  }
  return copy as IntegrationDefinition;
}

/** RFC 9110 §9.2.2: the idempotent methods (TRACE and CONNECT are not offered). */
export const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set<HttpMethod>(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export interface CompiledRequest {
  readonly method: HttpMethod;
  readonly url: CompiledUrl;
  readonly idempotent: boolean;
  readonly callFieldsUsed: ReadonlySet<CallField>;
  /** Render a request for these values; throws INTEGRATION_INVALID_PARAMS when a value cannot be placed safely. */
  render(values: TemplateValues): OutgoingRequest;
}

export interface CompiledDefinition {
  readonly def: IntegrationDefinition;
  readonly params: ParamRules;
  readonly request: CompiledRequest;
  readonly response: ResponseMap;
  /** Pool key: origin plus the TLS identity (CA and client certificate files). */
  readonly upstreamKey: string;
}

function fail(def: IntegrationDefinition, message: string): never {
  throw new SwitchboardError('CONFIG_INVALID', `integration ${def.name}: ${message}`);
}

/** Compile a validated definition (defaults filled). */
export function compileDefinition(def: IntegrationDefinition): CompiledDefinition {
  try {
    return compile(def);
  } catch (e) {
    if (e instanceof SwitchboardError && e.code === 'CONFIG_INVALID' && !e.message.startsWith('integration ')) fail(def, e.message);
    throw e;
  }
}

function compile(def: IntegrationDefinition): CompiledDefinition {
  const params = new ParamRules(def.params ?? {});
  const refs = emptyRefs();
  const method = def.request.method ?? 'GET';
  const url = compileUrl(def.request.url, refs);
  const headers = Object.entries(def.request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), compileHeader(v, refs)] as const);
  const bodyTemplate = def.request.body ?? null;
  let body: ((v: TemplateValues) => string) | undefined;
  let bodyType: string | undefined;
  if (bodyTemplate !== null) {
    if (method === 'GET' || method === 'HEAD') fail(def, `request.body: ${method} requests have no body`);
    if (typeof bodyTemplate === 'string') {
      body = compileXmlBody(bodyTemplate, refs);
      bodyType = 'text/xml; charset=utf-8';
    } else {
      body = compileJsonBody(bodyTemplate, refs);
      bodyType = 'application/json';
    }
  }
  for (const name of refs.params) {
    if (!params.templateNames.has(name)) {
      fail(def, `a template uses {{params.${name}}} but no parameter is named (or renamed with as:) ${name}`);
    }
  }
  const response = new ResponseMap(def.response?.map ?? {}, def.response?.namespaces ?? {});
  const accept = response.kind === 'json' ? 'application/json' : response.kind === 'xml' ? 'application/xml, text/xml' : '*/*';
  const fixed: Record<string, string> = { accept };
  if (bodyType) fixed['content-type'] = bodyType;

  const request: CompiledRequest = {
    method,
    url,
    idempotent: IDEMPOTENT_METHODS.has(method),
    callFieldsUsed: refs.call,
    render(values) {
      const h: Record<string, string> = { ...fixed };
      for (const [k, r] of headers) h[k] = r(values);
      return { method, path: url.path(values), headers: h, body: body?.(values) };
    },
  };
  return { def, params, request, response, upstreamKey: upstreamKey(def, url.origin) };
}

function upstreamKey(def: IntegrationDefinition, origin: string): string {
  const a = def.auth;
  const ca = a?.type === 'mtls' && a.ca !== undefined ? a.ca : def.tls?.ca ?? '';
  const client = a?.type === 'mtls' ? `${a.cert}|${a.key}` : '';
  return `${origin} ${ca} ${client}`;
}

/** TLS material of an integration's upstream: its CA (mtls `ca`, else `tls.ca`) and mTLS client identity. */
export function upstreamTls(def: IntegrationDefinition, auth: AuthScheme, readFile: (path: string) => Buffer): UpstreamTls | undefined {
  const tls: UpstreamTls = { ...auth.tls };
  if (tls.ca === undefined && def.tls?.ca !== undefined) tls.ca = readCa(def, def.tls.ca, readFile);
  return tls.ca || tls.cert || tls.key ? tls : undefined;
}

export function readCa(def: IntegrationDefinition, path: string, readFile: (path: string) => Buffer): Buffer {
  try {
    return readFile(path);
  } catch (e) {
    throw new SwitchboardError('CONFIG_INVALID', `integration ${def.name}: tls.ca: cannot read ${path}`, { cause: e });
  }
}
