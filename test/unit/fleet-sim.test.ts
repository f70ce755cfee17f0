import { describe, expect, it } from 'vitest';
import { podPhaseFor, simulatedPodStatus, type SimPod } from '../../src/fleet/podstatus.js';
import { matchRoute } from '../../src/fleet/ingress.js';

const pod = (over: Partial<SimPod['spec']> = {}, annotations?: Record<string, string>): SimPod => ({
  metadata: { name: 'p', namespace: 'default', annotations },
  spec: { nodeName: 'n1', containers: [{ name: 'web', image: 'nginx:1.25' }], ...over },
});

describe('simulated pods', () => {
  it('run Ready with the IPs given', () => {
    const p = pod();
    const phase = podPhaseFor(p);
    expect(phase).toMatchObject({ phase: 'Running', ready: true });
    const st = simulatedPodStatus(p, phase, { podIP: '10.101.1.2', hostIP: '10.99.1.1', containerId: () => 'containerd://x' }) as Record<string, unknown>;
    expect(st).toMatchObject({ phase: 'Running', podIP: '10.101.1.2', podIPs: [{ ip: '10.101.1.2' }] });
    expect((st.containerStatuses as Array<{ ready: boolean }>)[0].ready).toBe(true);
    expect(phase.matches({ ...p, status: { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, image: 'nginx:1.25' }] } })).toBe(true);
    expect(phase.matches({ ...p, status: { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, image: 'nginx:1.24' }] } })).toBe(false);
  });

  it('never pull :broken images, stay unready on request, and complete run-once pods', () => {
    expect(podPhaseFor(pod({ containers: [{ name: 'w', image: 'web:broken' }] }))).toMatchObject({ phase: 'Pending', ready: false, waitingReason: 'ImagePullBackOff' });
    expect(podPhaseFor(pod({}, { 'sim.meridian.dev/ready': 'false' }))).toMatchObject({ phase: 'Running', ready: false });
    expect(podPhaseFor(pod({ restartPolicy: 'Never' }))).toMatchObject({ phase: 'Succeeded' });
  });
});

describe('region ingress routing', () => {
  const ing = (name: string, host: string | undefined, paths: Array<[string, string, string]>) => ({
    metadata: { name, namespace: 'web' },
    spec: { rules: [{ host, http: { paths: paths.map(([path, pathType, svc]) => ({ path, pathType, backend: { service: { name: svc, port: { number: 80 } } } })) } }] },
  });
  const all = [ing('a', 'web.global.example.test', [['/', 'Prefix', 'web'], ['/api', 'Prefix', 'api'], ['/exact', 'Exact', 'exact']]), ing('b', undefined, [['/', 'Prefix', 'fallback']])];
  it.each([
    ['web.global.example.test', '/', 'web'],
    ['web.global.example.test', '/api/v1', 'api'],
    ['web.global.example.test', '/apix', 'web'],
    ['web.global.example.test', '/exact', 'exact'],
    ['other.example.test', '/', 'fallback'],
  ])('%s%s goes to %s', (host, path, svc) => expect(matchRoute(all, host, path)?.service).toBe(svc));
  it('finds nothing without a matching rule', () => expect(matchRoute([all[0]], 'other.example.test', '/')).toBeUndefined());
});
