import type { SecretBox } from '../crypto/secret-fields.ts';

/**
 * The image service's sealed values (crypto/secret-fields.ts), each bound to its row: an API
 * key's signing secret (the current one and, through a rotation's grace period, the previous
 * one) and a project's imgproxy-format key and salt. They must be usable for HMAC, so they are
 * encrypted, not hashed. Declared for `shutterlock keys rotate` in key-protected.ts.
 */

export const keySecretPurpose = 'image-key-secret';
export const keySecretAssociatedData = (keyId: string) => `image_keys/${keyId}/secret`;
export const previousKeySecretAssociatedData = (keyId: string) => `image_keys/${keyId}/previous-secret`;
export const imgproxyKeyPurpose = 'image-imgproxy-key';
export const imgproxyKeyAssociatedData = (projectId: string) => `image_projects/${projectId}/imgproxy-key`;
export const imgproxySaltPurpose = 'image-imgproxy-salt';
export const imgproxySaltAssociatedData = (projectId: string) => `image_projects/${projectId}/imgproxy-salt`;

export async function sealKeySecret(secrets: SecretBox, keyId: string, secret: string, which: 'current' | 'previous'): Promise<string> {
  return secrets.seal(secret, keySecretPurpose, which === 'current' ? keySecretAssociatedData(keyId) : previousKeySecretAssociatedData(keyId));
}

export async function openKeySecret(secrets: SecretBox, keyId: string, sealed: string, which: 'current' | 'previous'): Promise<string> {
  const associatedData = which === 'current' ? keySecretAssociatedData(keyId) : previousKeySecretAssociatedData(keyId);
  return (await secrets.open(sealed, keySecretPurpose, associatedData)).toString('utf8');
}

export interface ImgproxyCredentials {
  key: string;
  salt: string;
}

export async function sealImgproxyCredentials(secrets: SecretBox, projectId: string, credentials: ImgproxyCredentials): Promise<{ key: string; salt: string }> {
  return {
    key: await secrets.seal(credentials.key, imgproxyKeyPurpose, imgproxyKeyAssociatedData(projectId)),
    salt: await secrets.seal(credentials.salt, imgproxySaltPurpose, imgproxySaltAssociatedData(projectId)),
  };
}

export async function openImgproxyCredentials(secrets: SecretBox, projectId: string, sealed: { key: string; salt: string }): Promise<ImgproxyCredentials> {
  return {
    key: (await secrets.open(sealed.key, imgproxyKeyPurpose, imgproxyKeyAssociatedData(projectId))).toString('utf8'),
    salt: (await secrets.open(sealed.salt, imgproxySaltPurpose, imgproxySaltAssociatedData(projectId))).toString('utf8'),
  };
}
