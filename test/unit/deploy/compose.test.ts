import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadConfig } from '../../../src/config/load-config.js';
import { loadDialplans } from '../../../src/config/load-dialplans.js';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { parse } from 'yaml';

// The deployment files (Dockerfile, docker-compose.yml, docker/, freeswitch/) checked without Docker: structure,
// pinned images, published ports, mounts that exist, well-formed FreeSWITCH XML, and the values that must agree
// across files (RTP range, ports, service names, profile context).

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: (string | { target: number; published?: string | number; protocol?: string; host_ip?: string })[];
  volumes?: (string | { type: string; source?: string; target: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
};
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const services = compose.services;
const service = (name: string): Service => {
  const s = services[name];
  assert.ok(s, `service ${name} is defined`);
  return s;
};

interface Published { hostIp: string; hostFirst: number; hostLast: number; first: number; last: number; protocol: string }

const range = (s: string): [number, number] => {
  const [a, b = a] = s.split('-').map(Number);
  assert.ok(Number.isInteger(a) && Number.isInteger(b), `port range ${s}`);
  return [a as number, b as number];
};

/** Compose port entries, short ("[ip:]host:container[/proto]") or long syntax; container-only entries are skipped. */
function published(s: Service): Published[] {
  const out: Published[] = [];
  for (const p of s.ports ?? []) {
    if (typeof p === 'object') {
      if (p.published === undefined) continue;
      const [hostFirst, hostLast] = range(String(p.published));
      out.push({ hostIp: p.host_ip ?? '0.0.0.0', hostFirst, hostLast, first: p.target, last: p.target, protocol: p.protocol ?? 'tcp' });
      continue;
    }
    const [spec = '', protocol = 'tcp'] = p.split('/');
    const parts = spec.split(':');
    if (parts.length < 2) continue;
    const container = parts.pop() as string;
    const host = parts.pop() as string;
    const [hostFirst, hostLast] = range(host);
    const [first, last] = range(container);
    out.push({ hostIp: parts[0] ?? '0.0.0.0', hostFirst, hostLast, first, last, protocol });
  }
  return out;
}

const publishes = (s: Service, port: number, protocol: string) =>
  published(s).some((p) => p.protocol === protocol && p.first <= port && port <= p.last);

/** Host paths of bind mounts ("./a:/b[:ro]" or long syntax type: bind). Named volumes are not paths. */
function bindSources(s: Service): string[] {
  return (s.volumes ?? []).flatMap((v) => {
    if (typeof v === 'object') return v.type === 'bind' && v.source ? [v.source] : [];
    const source = v.split(':')[0] ?? '';
    return source.startsWith('.') || source.startsWith('/') ? [source] : [];
  });
}

function xmlFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).sort().flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return xmlFiles(path);
    return name.endsWith('.xml') ? [path] : [];
  });
}

/** Parses strictly: any warning or error from the parser fails, naming the file. */
function parseXml(path: string): Document {
  const parser = new DOMParser({
    onError: (level, message) => {
      throw new Error(`${path}: XML ${level}: ${message}`);
    },
  });
  return parser.parseFromString(read(path), 'text/xml');
}

const elements = (doc: Document, tag: string): Element[] => Array.from(doc.getElementsByTagName(tag));
const param = (doc: Document, name: string) =>
  elements(doc, 'param').find((p) => p.getAttribute('name') === name)?.getAttribute('value') ?? undefined;

describe('docker-compose.yml', () => {
  it('defines the drachtio, freeswitch, redis and switchboard services', () => {
    for (const name of ['drachtio', 'freeswitch', 'redis', 'switchboard']) service(name);
  });

  it('pins every image to a tag other than latest, and builds switchboard from this repository', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.image === undefined) {
        assert.ok(s.build, `${name} has an image or a build`);
        continue;
      }
      const tag = /:([^/:@]+)$/.exec(s.image)?.[1];
      assert.ok(tag, `${name}: image ${s.image} has a tag`);
      assert.notEqual(tag, 'latest', `${name}: image ${s.image} is pinned`);
    }
    assert.equal(service('switchboard').build, '.');
  });

  it('publishes SIP 5060 over UDP and TCP on drachtio', () => {
    assert.ok(publishes(service('drachtio'), 5060, 'udp'), '5060/udp');
    assert.ok(publishes(service('drachtio'), 5060, 'tcp'), '5060/tcp');
  });

  it('keeps the drachtio admin port and the FreeSWITCH event socket off public interfaces', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const p of published(s)) {
        for (const port of [9022, 8021]) {
          if (p.first <= port && port <= p.last) assert.match(p.hostIp, /^(127\.|\[?::1\]?$)/, `${name} publishes ${port} on ${p.hostIp}`);
        }
      }
    }
  });

  it('publishes FreeSWITCH\'s RTP range one to one, the range switch.conf.xml configures', () => {
    const doc = parseXml('freeswitch/autoload_configs/switch.conf.xml');
    const first = Number(param(doc, 'rtp-start-port'));
    const last = Number(param(doc, 'rtp-end-port'));
    const rtp = published(service('freeswitch')).filter((p) => p.protocol === 'udp' && p.last > p.first);
    assert.equal(rtp.length, 1, 'one UDP range');
    assert.deepEqual(rtp[0], { hostIp: '0.0.0.0', hostFirst: first, hostLast: last, first, last, protocol: 'udp' });
  });

  it('publishes switchboard\'s HTTP port, the one its config listens on, and health-checks it', () => {
    const sb = service('switchboard');
    const cmd = sb.command ?? [];
    const configPath = cmd[cmd.indexOf('--config') + 1];
    assert.ok(cmd.includes('--config') && configPath, 'command names a --config file');
    assert.ok(existsSync(join(root, configPath)), `${configPath} exists`);
    const config = parse(read(configPath)) as { http: { host: string; port: number } };
    assert.equal(config.http.host, '0.0.0.0', 'HTTP reachable from outside the container');
    assert.ok(publishes(sb, config.http.port, 'tcp'), `${config.http.port}/tcp published`);
    const test = sb.healthcheck?.test;
    assert.ok(test && test.length > 0 && sb.healthcheck?.disable !== true, 'switchboard has a healthcheck');
    assert.match(JSON.stringify(test), new RegExp(`:${config.http.port}/healthz`));
  });

  it('points the drachtio engine config at the compose services', () => {
    const config = parse(read('docker/switchboard.drachtio.yaml')) as {
      engine: string; drachtio: { host: string; port: number }; freeswitch: { address: string; port: number }[];
    };
    assert.equal(config.engine, 'drachtio');
    assert.ok(services[config.drachtio.host], `drachtio.host ${config.drachtio.host} is a service`);
    assert.equal(config.drachtio.port, 9022);
    assert.ok(config.freeswitch.length > 0);
    for (const fs of config.freeswitch) {
      assert.ok(services[fs.address], `freeswitch address ${fs.address} is a service`);
      assert.equal(fs.port, 8021);
    }
  });

  it('has a config that Switchboard itself accepts (schema and rules), with the fork endpoint reachable as the switchboard service', async () => {
    const file = join(root, 'docker/switchboard.drachtio.yaml');
    const config = await loadConfig(file, { DRACHTIO_SECRET: 's', FREESWITCH_SECRET: 'f' });
    const plans = await loadDialplans(config.dialplans, config, {}, { cwd: dirname(file) });
    assert.ok(plans.routes.length > 0);
    assert.equal(config.drachtio?.fork.address, 'switchboard');
    assert.ok(services[config.drachtio?.fork.address ?? ''], 'fork.address is a compose service FreeSWITCH can reach');
  });

  it('bind-mounts only host paths that exist in the repository, and every freeswitch/ XML file', () => {
    const mounted = new Set<string>();
    for (const [name, s] of Object.entries(services)) {
      for (const source of bindSources(s)) {
        const abs = resolve(root, source);
        assert.ok(existsSync(abs), `${name}: ${source} exists`);
        mounted.add(relative(root, abs));
      }
    }
    for (const path of xmlFiles('freeswitch')) assert.ok(mounted.has(path), `${path} is mounted`);
  });
});

describe('Dockerfile', () => {
  const lines = read('Dockerfile').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const instructions = (name: string) => lines.filter((l) => l.toUpperCase().startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());

  it('has a build stage and a runtime stage', () => {
    assert.ok(instructions('FROM').length >= 2, 'two or more FROM');
  });

  it('runs as a non-root user', () => {
    const user = instructions('USER').at(-1);
    assert.ok(user, 'USER is set');
    assert.doesNotMatch(user, /^(root|0)(:|$)/);
  });

  it('has a HEALTHCHECK on /healthz and a CMD with --config, and exposes SIP and HTTP', () => {
    const health = instructions('HEALTHCHECK');
    assert.equal(health.length, 1);
    assert.doesNotMatch(health[0] as string, /^NONE/i);
    assert.match(read('Dockerfile'), /\/healthz/);
    assert.match(instructions('CMD').at(-1) ?? '', /--config/);
    const exposed = instructions('EXPOSE').join(' ').split(/\s+/);
    for (const port of ['5060/udp', '5060/tcp', '8080/tcp']) assert.ok(exposed.includes(port), `EXPOSE ${port}`);
  });
});

describe('freeswitch/ configuration', () => {
  it('is well-formed XML, every file', () => {
    const files = xmlFiles('freeswitch');
    assert.ok(files.length >= 5, `found ${files.join(', ')}`);
    for (const path of files) assert.ok(parseXml(path).documentElement, path);
  });

  it('listens for the event socket on 8021', () => {
    const doc = parseXml('freeswitch/autoload_configs/event_socket.conf.xml');
    assert.equal(param(doc, 'listen-port'), '8021');
    assert.ok(param(doc, 'apply-inbound-acl'), 'an inbound ACL');
  });

  it('defines the drachtio_mrf profile on 5080, whose context the dialplan hands to the X-esl-outbound socket', () => {
    const profile = parseXml('freeswitch/sip_profiles/drachtio_mrf.xml');
    assert.equal(elements(profile, 'profile')[0]?.getAttribute('name'), 'drachtio_mrf');
    assert.equal(param(profile, 'sip-port'), '5080');
    assert.equal(param(profile, 'auth-calls'), 'false');
    const dialplan = parseXml('freeswitch/dialplan/mrf.xml');
    assert.equal(elements(dialplan, 'context')[0]?.getAttribute('name'), param(profile, 'context'));
    const socket = elements(dialplan, 'action').filter((a) => a.getAttribute('application') === 'socket');
    assert.deepEqual(socket.map((a) => a.getAttribute('data')), ['${sip_h_X-esl-outbound} async full']);
  });

  it('loads mod_audio_fork, mod_sofia and mod_event_socket', () => {
    const modules = elements(parseXml('freeswitch/autoload_configs/modules.conf.xml'), 'load').map((l) => l.getAttribute('module'));
    for (const m of ['mod_audio_fork', 'mod_sofia', 'mod_event_socket', 'mod_dptools', 'mod_commands', 'mod_dialplan_xml']) {
      assert.ok(modules.includes(m), m);
    }
  });
});
