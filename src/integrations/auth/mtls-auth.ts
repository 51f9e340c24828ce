import { SwitchboardError } from '../../shared/errors.js';
import type { AuthScheme } from './auth-scheme.js';

export interface MtlsFiles {
  cert: string;
  key: string;
  ca?: string;
}

/**
 * Mutual TLS: the client certificate and key go to the upstream's connection pool and are presented in every
 * TLS handshake (RFC 8446 §4.4.2); nothing is added to requests. Files are read once, when the integration is
 * loaded; a missing file is a configuration error.
 */
export function mtlsAuth(files: MtlsFiles, readFile: (path: string) => Buffer): AuthScheme {
  const read = (what: string, path: string): Buffer => {
    try {
      return readFile(path);
    } catch (e) {
      throw new SwitchboardError('CONFIG_INVALID', `auth.${what}: cannot read ${path}`, { cause: e });
    }
  };
  const tls = {
    cert: read('cert', files.cert),
    key: read('key', files.key),
    ...(files.ca !== undefined ? { ca: read('ca', files.ca) } : {}),
  };
  return { tls, apply: () => undefined, unauthorized: () => false };
}
