// A passkey authenticator in software (P-256, "none" attestation), for HTTP tests that need real WebAuthn answers
// without a browser: what Chromium's virtual authenticator does, with the counter and user verification in the
// test's hands.
import crypto from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Buffer | string) => crypto.createHash('sha256').update(data).digest();

export class SoftAuthenticator {
  private readonly key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  readonly credentialId = crypto.randomBytes(16);

  constructor(
    private readonly rpId: string,
    private readonly origin: string,
  ) {}

  /** Authenticator data: the site's hash, flags (user present, verified, credential attached) and the counter. */
  private authData(counter: number, verified: boolean, credential?: Buffer) {
    const flags = 0x01 | (verified ? 0x04 : 0) | (credential ? 0x40 : 0);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(this.rpId), Buffer.from([flags]), count, credential ?? Buffer.alloc(0)]);
  }

  private clientData(type: string, challenge: string) {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false }));
  }

  /** The browser's answer to registration options with this challenge, as JSON. */
  register(challenge: string): string {
    const jwk = this.key.publicKey.export({ format: 'jwk' });
    const coseKey = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // EC2
        [3, -7], // ES256
        [-1, 1], // P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, Buffer.from(coseKey)]);
    const attestation = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', this.authData(0, true, attested)],
      ]) as never,
    );
    return JSON.stringify({
      id: b64url(this.credentialId),
      rawId: b64url(this.credentialId),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', challenge)),
        attestationObject: b64url(attestation),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    });
  }

  /** The browser's answer to sign-in options with this challenge, signed with the passkey, as JSON. */
  signIn(challenge: string, opts: { counter: number; verified?: boolean }): string {
    const authData = this.authData(opts.counter, opts.verified ?? true);
    const clientData = this.clientData('webauthn.get', challenge);
    const signature = crypto.sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.key.privateKey);
    return JSON.stringify({
      id: b64url(this.credentialId),
      rawId: b64url(this.credentialId),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
      },
      clientExtensionResults: {},
    });
  }
}
