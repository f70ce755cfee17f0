import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { Gauge, type Registry } from 'prom-client';
import type { Cluster } from '../api/cluster.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';

/** When the certificate an https server presents expires (ms since epoch); undefined when unreachable. */
export function serverCertificateExpiry(url: string, timeoutMs = 3000): Promise<number | undefined> {
  return new Promise((resolve) => {
    let target: URL;
    try { target = new URL(url); } catch { resolve(undefined); return; }
    if (target.protocol !== 'https:') { resolve(undefined); return; }
    // Only the presented certificate is read; nothing is sent, so verification is not needed here.
    const socket = connect({ host: target.hostname, port: Number(target.port || 443), servername: /^[\d.:]+$/.test(target.hostname) ? undefined : target.hostname, rejectUnauthorized: false, timeout: timeoutMs }, () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      resolve(cert?.valid_to ? Date.parse(cert.valid_to) : undefined);
    });
    socket.on('error', () => resolve(undefined)).on('timeout', () => { socket.destroy(); resolve(undefined); });
  });
}

/**
 * meridian_certificate_expiry_timestamp_seconds{cluster,certificate}: for every member, the
 * expiry of its API server's serving certificate and of the CA Meridian trusts for it (the
 * `ca.crt` of its credentials Secret; the value itself is never logged). Refreshed by `refresh()`.
 */
export class CertificateExpiry {
  private readonly gauge: Gauge<'cluster' | 'certificate'>;

  constructor(registry: Registry, private readonly hub: KubeClient) {
    this.gauge = new Gauge({ name: 'meridian_certificate_expiry_timestamp_seconds', help: 'When a member\'s API server certificate (certificate="apiserver") or trusted CA (certificate="ca") expires, in seconds since the epoch.', labelNames: ['cluster', 'certificate'], registers: [registry] });
  }

  /** Re-reads every member's certificates. */
  async refresh(clusters: Cluster[]): Promise<void> {
    this.gauge.reset();
    await Promise.allSettled(clusters.map(async (c) => {
      const name = c.metadata?.name ?? '';
      const served = await serverCertificateExpiry(c.spec.server);
      if (served) this.gauge.set({ cluster: name, certificate: 'apiserver' }, served / 1000);
      const secret = await this.hub.get<KubeObject & { data?: Record<string, string> }>('v1', 'Secret', c.spec.secretRef.name, c.spec.secretRef.namespace).catch(() => undefined);
      const ca = secret?.data?.['ca.crt'];
      if (ca) {
        try { this.gauge.set({ cluster: name, certificate: 'ca' }, Date.parse(new X509Certificate(Buffer.from(ca, 'base64')).validTo) / 1000); } catch { /* not a PEM certificate: nothing to report */ }
      }
    }));
  }
}
