import { connect } from 'node:tls';

/**
 * Reads the serving certificate of a TLS endpoint (an API server) without trusting it: only its
 * expiry and subject are wanted, so verification is off and nothing is sent after the handshake.
 */
export function servingCertificate(url: string, timeoutMs = 5000): Promise<{ notAfter: string; subject: string }> {
  const u = new URL(url);
  if (u.protocol !== 'https:') return Promise.reject(new Error(`${url} is not https`));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || 443), servername: /^[\d.]+$/.test(u.hostname) ? undefined : u.hostname, rejectUnauthorized: false });
    const timer = setTimeout(() => socket.destroy(new Error(`TLS handshake with ${u.host} timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      clearTimeout(timer);
      socket.end();
      if (!cert?.valid_to) reject(new Error(`${u.host} presented no certificate`));
      else resolve({ notAfter: new Date(cert.valid_to).toISOString(), subject: String(cert.subject?.CN ?? '') });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
