/** Sprig's encryptAES/decryptAES: AES-256-CBC, key = password zero-padded to 32 bytes, random IV first, PKCS#7 padding, base64. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fn, GoError, type GoFunc } from '../go/funcmap.js';

function key(password: string): Buffer {
  const k = Buffer.alloc(32);
  Buffer.from(password, 'utf8').copy(k, 0, 0, 32);
  return k;
}

function encrypt(password: string, plaintext: string): string {
  if (plaintext === '') return '';
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', key(password), iv);
  return Buffer.concat([iv, c.update(plaintext, 'utf8'), c.final()]).toString('base64');
}

function decrypt(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(crypt64) || crypt64.length % 4 !== 0) {
    const bad = [...crypt64].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
    throw new GoError(`illegal base64 data at input byte ${bad >= 0 ? bad : crypt64.length - (crypt64.length % 4)}`);
  }
  const crypt = Buffer.from(crypt64, 'base64');
  if (crypt.length < 16) throw new GoError(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new GoError('crypto/cipher: input not full blocks');
  if (body.length === 0) throw new GoError('runtime error: index out of range [-1]');
  const d = createDecipheriv('aes-256-cbc', key(password), crypt.subarray(0, 16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(body), d.final()]);
  const pad = plain[plain.length - 1];
  if (plain.length - pad < 0) throw new GoError(`runtime error: slice bounds out of range [:${plain.length - pad}]`);
  return plain.subarray(0, plain.length - pad).toString('utf8');
}

/** encryptAES (nondeterministic: random IV) and decryptAES. */
export const AES_FUNCS: Array<[string, GoFunc]> = [
  ['encryptAES', fn(['string', 'string'], encrypt)],
  ['decryptAES', fn(['string', 'string'], decrypt)],
];
