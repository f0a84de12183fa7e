import { createCipheriv, createDecipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';

/**
 * The cryptography of WeChat Pay API v3 (docs/payments.md, "Protocol"), shared by the client and
 * the fake so both sides sign, verify, encrypt and decrypt the same way. Node crypto only.
 */

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';
/** A notification (or signed answer) whose timestamp is further off than this is refused. */
export const MAX_SKEW_SECONDS = 5 * 60;

export type KeyInput = string | KeyObject;

/** RSA-SHA256 (PKCS#1 v1.5) over `message`, base64. */
export function rsaSign(privateKey: KeyInput, message: string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64');
}

export function rsaVerify(publicKey: KeyInput, message: string, signature: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

/** A random nonce of 32 upper-case letters and digits, as WeChat's own examples. */
export function nonceStr(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** What a request signature covers: `METHOD\nPATH_WITH_QUERY\nTIMESTAMP\nNONCE\nBODY\n`. */
export function requestMessage(method: string, pathWithQuery: string, timestamp: string, nonce: string, body: string) {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** What a notification or answer signature covers: `TIMESTAMP\nNONCE\nBODY\n`. */
export function responseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** paySign of wx.requestPayment covers `appid\ntimeStamp\nnonceStr\npackage\n`. */
export function payMessage(appid: string, timeStamp: string, nonce: string, pkg: string): string {
  return `${appid}\n${timeStamp}\n${nonce}\n${pkg}\n`;
}

export interface AuthorizationParts {
  mchid: string;
  nonce_str: string;
  timestamp: string;
  serial_no: string;
  signature: string;
}

export function authorizationHeader(parts: AuthorizationParts): string {
  return (
    `${AUTH_SCHEME} mchid="${parts.mchid}",nonce_str="${parts.nonce_str}",timestamp="${parts.timestamp}",` +
    `serial_no="${parts.serial_no}",signature="${parts.signature}"`
  );
}

/** Parses an Authorization header of the WeChat Pay scheme, or null when it is not one. */
export function parseAuthorization(header: string | undefined): AuthorizationParts | null {
  if (!header?.startsWith(`${AUTH_SCHEME} `)) return null;
  const fields: Record<string, string> = {};
  for (const m of header.slice(AUTH_SCHEME.length + 1).matchAll(/\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/g)) {
    fields[m[1]] = m[2];
  }
  const { mchid, nonce_str, timestamp, serial_no, signature } = fields;
  if (!mchid || !nonce_str || !timestamp || !serial_no || !signature) return null;
  return { mchid, nonce_str, timestamp, serial_no, signature };
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  associated_data: string;
  nonce: string;
  original_type?: string;
}

/** AEAD_AES_256_GCM with the 32-byte APIv3 key: ciphertext is base64 of the encrypted bytes then the 16-byte tag. */
export function encryptResource(apiV3Key: string, plaintext: string, associatedData: string): EncryptedResource {
  const nonce = nonceStr(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: body.toString('base64'), associated_data: associatedData, nonce };
}

/** Decrypts a resource; throws when the algorithm is not AEAD_AES_256_GCM or the tag does not verify. */
export function decryptResource(apiV3Key: string, resource: EncryptedResource): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') throw new Error(`unsupported algorithm ${resource.algorithm}`);
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < 17) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}
