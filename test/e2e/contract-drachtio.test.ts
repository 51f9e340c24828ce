/**
 * The engine contract (test/contract/engine-contract.ts) on the drachtio engine, against running servers:
 *   DRACHTIO_ADDRESS=host[:adminPort] (default port 9022, secret DRACHTIO_SECRET or "cymru"),
 *   DRACHTIO_SIP=host:port where drachtio-server takes SIP (default <host>:5060),
 *   FREESWITCH_ADDRESS=host[:eslPort] (default port 8021, password FREESWITCH_SECRET or "ClueCon").
 * Without them the suite is skipped with one line saying so. Calls go to drachtio-server; Switchboard connects
 * to it (inbound mode) and to FreeSWITCH's event socket; FreeSWITCH forks audio to 127.0.0.1:9400+.
 */
import { engineContract } from '../contract/engine-contract.js';
import { startTestSwitchboard } from '../support/switchboard.js';

const drachtio = process.env.DRACHTIO_ADDRESS;
const freeswitch = process.env.FREESWITCH_ADDRESS;
const skip = drachtio && freeswitch ? false : 'drachtio engine: set DRACHTIO_ADDRESS and FREESWITCH_ADDRESS to run the contract against running drachtio-server and FreeSWITCH';

function hostPort(v: string, port: number): [string, number] {
  const [h, p] = v.split(':');
  return [h ?? v, p ? Number(p) : port];
}

engineContract('drachtio', async (dialplan) => {
  const [dHost, dPort] = hostPort(drachtio ?? '', 9022);
  const [fHost, fPort] = hostPort(freeswitch ?? '', 8021);
  const [sipHost, sipPort] = hostPort(process.env.DRACHTIO_SIP ?? `${dHost}:5060`, 5060);
  const sw = await startTestSwitchboard({
    sipPort: 26950, httpPort: 29960, dialplan,
    ...(process.env.FREESWITCH_RECORD_DIR ? { media: `recordDir: ${process.env.FREESWITCH_RECORD_DIR}` } : {}),
    extra: `engine: drachtio
drachtio: { host: ${dHost}, port: ${dPort}, secret: "${process.env.DRACHTIO_SECRET ?? 'cymru'}", fork: { host: 127.0.0.1, port: 9400 } }
freeswitch: [ { address: ${fHost}, port: ${fPort}, secret: "${process.env.FREESWITCH_SECRET ?? 'ClueCon'}" } ]`,
  });
  return { sb: sw.sb, sipHost, sipPort, stop: () => sw.stop() };
}, skip);
