// What the page setting up an authenticator app shows: the key as a QR code (named for screen readers) and as text
// in groups of four, the way apps ask for it typed.
import { renderSVG } from 'uqr';

export function authenticatorView(uri: string, secret: string) {
  const qr = renderSVG(uri, { border: 2 }).replace(
    '<svg ',
    '<svg role="img" aria-label="QR code to add the desk to an authenticator app" ',
  );
  return { qr, secret: secret.match(/.{1,4}/g)!.join(' ') };
}
