/**
 * The house plan's import rules (docs/architecture.md): imports only run downhill, no cycles.
 * `npm run lint` fails on any violation.
 */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'nothing-imports-main-or-http', severity: 'error', from: { pathNot: '^src/(main|switchboard)\\.ts$' }, to: { path: ['^src/main\\.ts$', layer('http')] } },
    { name: 'shared-is-a-leaf', severity: 'error', from: { path: layer('shared') }, to: { path: '^src/', pathNot: layer('shared') } },
    { name: 'sdp-is-a-leaf', severity: 'error', from: { path: layer('sdp') }, to: { path: '^src/', pathNot: [layer('sdp'), layer('shared')] } },
    // The config layer validates dialplans, including their integrations, against the integrations module's schema (pure data).
    { name: 'config-only-shared', severity: 'error', from: { path: layer('config') }, to: { path: '^src/', pathNot: [layer('config'), layer('shared'), '^src/integrations/schema\\.ts$'] } },
    { name: 'observability-only-shared', severity: 'error', from: { path: layer('observability') }, to: { path: '^src/', pathNot: [layer('observability'), layer('shared')] } },
    { name: 'sip-downhill', severity: 'error', from: { path: layer('sip') }, to: { path: '^src/', pathNot: [layer('sip'), layer('observability'), layer('shared')] } },
    { name: 'media-downhill', severity: 'error', from: { path: layer('media') }, to: { path: '^src/', pathNot: [layer('media'), layer('sdp'), layer('observability'), layer('shared')] } },
    { name: 'siblings-downhill', severity: 'error', from: { path: '^src/(integrations|events|store)/' }, to: { path: '^src/', pathNot: ['^src/$1/', layer('observability'), layer('shared')] } },
    // The agent dialects' wire formats are codecs (μ-law, L16): agent may use media's pure codec functions, nothing else of media.
    { name: 'agent-downhill', severity: 'error', from: { path: layer('agent') }, to: { path: '^src/', pathNot: [layer('agent'), '^src/media/codec/', layer('observability'), layer('shared')] } },
    // The built-in demo agent (a Twilio-dialect bot) is composed by switchboard.ts and by nothing else; it builds its tones with media's pure codec functions.
    { name: 'demo-downhill', severity: 'error', from: { path: layer('demo') }, to: { path: '^src/', pathNot: [layer('demo'), '^src/media/codec/', layer('observability'), layer('shared')] } },
    { name: 'only-switchboard-imports-demo', severity: 'error', from: { path: '^src/', pathNot: ['^src/switchboard\\.ts$', layer('demo')] }, to: { path: layer('demo') } },
    { name: 'call-uses-ports-only', severity: 'error', from: { path: layer('call') }, to: { path: ['^src/(sip|sdp|media|agent|http)/', '^src/engine/(?!engine\\.ts$)'] } },
    { name: 'transfer-downhill', severity: 'error', from: { path: layer('transfer') }, to: { path: '^src/', pathNot: [layer('transfer'), '^src/engine/engine\\.ts$', layer('observability'), layer('shared')] } },
    { name: 'embedded-engine-deps', severity: 'error', from: { path: '^src/engine/embedded/' }, to: { path: '^src/(call|transfer|integrations|events|store|http|config|engine/drachtio)/' } },
    // The drachtio engine shares the trunk gate (sip/trunk, sip/auth: pure admission logic), the sipfrag reading of REFER
    // NOTIFYs (sip/message/sipfrag.ts) and the data plane (media/plane and
    // its frame clock, local audio, codecs) with the embedded engine; never the embedded SIP stack or RTP.
    { name: 'drachtio-engine-deps', severity: 'error', from: { path: '^src/engine/drachtio/' }, to: { path: ['^src/(call|transfer|integrations|events|store|http|config|engine/embedded)/', '^src/sip/(?!trunk/|auth/|message/sipfrag\\.ts$)', '^src/media/(rtp|rtcp|srtp)/'] } },
    { name: 'engine-ports-are-a-leaf', severity: 'error', from: { path: '^src/engine/engine\\.ts$' }, to: { path: '^src/', pathNot: ['^src/engine/engine\\.ts$', layer('shared'), layer('sdp')] } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
