import { describe, expect, it } from 'vitest';
import { formatDrill } from '../../src/cli/commands/drill.js';
import { parseDrillFlags } from '../../src/cli/options/drill.js';

describe('meridian drill outage: flags and report', () => {
  it('parses flags with defaults and names the flag on bad input', () => {
    expect(parseDrillFlags({})).toMatchObject({ dns: { host: '127.0.0.1', port: 5353 }, mode: 'cluster', json: false, hubContext: 'hub', timeoutMs: 180_000 });
    expect(parseDrillFlags({ dns: '[::1]:53', ingressOnly: true, hostname: 'Web.Global.Example.Test.' })).toMatchObject({ dns: { host: '::1', port: 53 }, mode: 'ingress', hostname: 'web.global.example.test' });
    expect(() => parseDrillFlags({ timeout: 'soon' })).toThrow(/--timeout: expected seconds > 0, got "soon"/);
    expect(() => parseDrillFlags({ dns: 'a:b:c' })).toThrow(/--dns: invalid DNS server "a:b:c"/);
  });

  it('prints every measured interval', () => {
    const text = formatDrill({ cluster: 'us-east', mode: 'cluster', hostname: 'web.global.example.test', ttlSeconds: 5, answerBefore: ['127.0.13.1'], answerDuring: ['127.0.13.2'],
      timeToDetectMs: 2424, timeToAnswerChangeMs: 2512, timeToClientMoveMs: 5015, regionBackMs: 4616, timeToFailBackMs: 5424 });
    expect(text).toContain('[127.0.13.1] -> [127.0.13.2]');
    expect(text).toMatch(/time to detect \(backend marked Unhealthy\)\s+2\.42s/);
    expect(text).toMatch(/time until the DNS answer changed\s+2\.51s/);
    expect(text).toMatch(/time until a TTL-honouring client moved\s+5\.01s/);
    expect(text).toMatch(/time to fail back\s+5\.42s/);
  });
});
