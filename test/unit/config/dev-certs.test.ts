import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

const script = fileURLToPath(new URL('../../../certs/make-dev-certs.sh', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'switchboard-certs-'));
const make = (...args: string[]) => execFileSync('bash', [script, '--dir', dir, ...args], { encoding: 'utf8' });
const cert = (name: string) => new X509Certificate(readFileSync(join(dir, `${name}.crt`)));

describe('certs/make-dev-certs.sh', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a CA, a server certificate for 127.0.0.1 and localhost, and a client certificate, all signed by the CA', () => {
    assert.match(make(), /created ca server client/);
    const ca = cert('ca');
    const server = cert('server');
    const client = cert('client');
    assert.equal(ca.ca, true);
    assert.equal(server.subjectAltName, 'IP Address:127.0.0.1, DNS:localhost');
    assert.equal(server.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(server.checkHost('localhost'), 'localhost');
    assert.equal(server.checkIssued(ca), true);
    assert.equal(server.verify(ca.publicKey), true);
    assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.equal(client.verify(ca.publicKey), true);
    assert.deepEqual(client.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(statSync(join(dir, 'server.key')).mode & 0o077, 0, 'keys are private to their owner');
  });

  it('changes nothing when the files exist, and recreates only a missing pair', () => {
    const before = readFileSync(join(dir, 'server.crt'), 'utf8');
    assert.match(make(), /already present/);
    assert.equal(readFileSync(join(dir, 'server.crt'), 'utf8'), before);
    unlinkSync(join(dir, 'client.key'));
    assert.match(make(), /created client in/);
    assert.equal(readFileSync(join(dir, 'server.crt'), 'utf8'), before);
    assert.equal(cert('client').verify(cert('ca').publicKey), true);
  });

  it('recreates everything with --force', () => {
    const before = readFileSync(join(dir, 'ca.crt'), 'utf8');
    assert.match(make('--force'), /created ca server client/);
    assert.notEqual(readFileSync(join(dir, 'ca.crt'), 'utf8'), before);
    assert.equal(cert('server').verify(cert('ca').publicKey), true);
  });
});
