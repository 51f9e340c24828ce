/** Shared pieces of the agent end-to-end tests: dialplan routes to test agents, placing a call to one. */
import type { PhoneCall, RtpPhone } from './rtp-phone.js';
import type { AgentConnection, TestAgent } from './test-agent.js';

/** One dialplan route (YAML) for calls from trunk "pbx" to the number `to`; `body` holds the indented keys. */
export function routeYaml(name: string, to: string, body: string): string {
  return `
  - name: ${name}
    match: { trunk: pbx, to: "^${to}$" }
${body}`;
}

/** Dials `to`; resolves with the call and its agent connection once `start` reached the agent and the call is up. */
export async function callAgent(phone: RtpPhone, sipPort: number, to: string, agent: TestAgent, signal?: Int16Array): Promise<{ call: PhoneCall; conn: AgentConnection }> {
  const index = agent.connections.length;
  const call = await phone.dial({ sipPort, to, from: 'alice', ...(signal ? { signal, loop: true } : {}) });
  const conn = await agent.started(index);
  await call.answered();
  return { call, conn };
}

/** Text frames of a connection in order, as their `event` names. */
export const eventNames = (c: AgentConnection): string[] => c.frames.flatMap((f) => (f.json ? [String(f.json.event)] : []));
