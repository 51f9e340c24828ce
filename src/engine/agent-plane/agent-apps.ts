/**
 * The data plane's AppProvider for agent calls: one AgentLink per call, connected before answer (`connect`),
 * attached to the call's media session when it starts (app kind `provided`), closed with it.
 */
import { AgentLink } from '../../agent/agent-link.js';
import type { AppProvider, AppSink, SendSink } from '../../media/apps/media-app.js';
import type { MediaApp } from '../../media/plane/protocol.js';
import type { AgentCommand, AgentEvent } from './agent-messages.js';

export class AgentApps implements AppProvider {
  private readonly links = new Map<string, AgentLink>();

  command(id: string, payload: unknown, emit: (payload: AgentEvent) => void): void {
    const cmd = payload as AgentCommand;
    switch (cmd.type) {
      case 'connect': {
        this.links.get(id)?.close();
        const link: AgentLink = new AgentLink(cmd.spec, cmd.meta, cmd.options, {
          connected: (ms) => emit({ type: 'connected', ms }),
          failed: (reason) => {
            this.links.delete(id);
            emit({ type: 'failed', reason });
          },
          closed: (code, reason) => {
            this.links.delete(id);
            emit({ type: 'closed', code, reason, stats: link.stats });
          },
          control: (event) => emit({ type: 'control', event }),
          ignored: (event) => emit({ type: 'ignored', event }),
        });
        this.links.set(id, link);
        link.connect();
        return;
      }
      case 'send':
        this.links.get(id)?.sendControl(cmd.message);
        return;
      case 'dtmf':
        this.links.get(id)?.sendDtmf(cmd.digit, cmd.durationMs);
        return;
      case 'disconnect':
        this.release(id);
        return;
    }
  }

  create(id: string, _app: MediaApp): AppSink | undefined {
    const link = this.links.get(id);
    if (!link) return undefined;
    return {
      onFrame: (pcm) => link.sendAudio(pcm),
      pull: () => undefined,
      attach: (sink: SendSink) => link.attach(sink),
      marksPlayed: (names) => link.marksPlayed(names),
      onDtmf: (digit, ms) => link.sendDtmf(digit, ms),
      stats: () => ({ ...link.stats }),
      close: () => this.release(id),
    };
  }

  release(id: string): void {
    const link = this.links.get(id);
    if (!link) return;
    this.links.delete(id);
    link.close();
  }
}
