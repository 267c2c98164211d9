// A browser without the pages: fetch with a cookie jar, following redirects one hop at a time, so an HTTP test
// can walk a sign-in from the app to an identity provider and back, and stop before any hop to tamper with it.

export interface Walk {
  /** The last response received: a redirect when the walk stopped early. */
  response: Response;
  /** The URL that response came from. */
  url: string;
  /** The Location URLs followed, in order, made absolute. */
  chain: string[];
  /** The Location not followed, when `stopBefore` or `maxHops` ended the walk. */
  next?: string;
}

interface WalkOptions {
  /** Redirects to follow at most (default 10; 0 makes a single request). */
  maxHops?: number;
  /** Called with each Location before it is requested: true ends the walk there, leaving it in `next`. */
  stopBefore?: (url: URL) => boolean;
}

export class CookieWalker {
  /**
   * Cookies by origin (scheme, host and port), not by host as browsers keep them, so an app and a provider on two
   * loopback ports never see each other's cookies. Path, Domain, Secure and SameSite are not applied.
   */
  readonly jar = new Map<string, Map<string, string>>();

  /** GET `url`, then follow its redirects. */
  get(url: string | URL, opts?: WalkOptions): Promise<Walk> {
    return this.walk(new URL(url), { method: 'GET' }, opts);
  }

  /** POST `fields` as a urlencoded form to `url`, then follow its redirects. */
  postForm(url: string | URL, fields: Record<string, string>, opts?: WalkOptions): Promise<Walk> {
    return this.walk(new URL(url), { method: 'POST', body: new URLSearchParams(fields) }, opts);
  }

  cookie(origin: string | URL, name: string): string | undefined {
    return this.jar.get(new URL(origin).origin)?.get(name);
  }

  private async walk(url: URL, init: RequestInit, { maxHops = 10, stopBefore }: WalkOptions = {}): Promise<Walk> {
    const chain: string[] = [];
    let response = await this.send(url, init);
    while (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      const next = new URL(response.headers.get('location')!, url);
      if (chain.length >= maxHops || stopBefore?.(next)) return { response, url: url.href, chain, next: next.href };
      await response.body?.cancel();
      chain.push(next.href);
      // As browsers do: 307 and 308 repeat the request, the others become a GET.
      if (response.status !== 307 && response.status !== 308) init = { method: 'GET' };
      url = next;
      response = await this.send(url, init);
    }
    return { response, url: url.href, chain };
  }

  private async send(url: URL, init: RequestInit): Promise<Response> {
    const cookies = this.jar.get(url.origin) ?? new Map<string, string>();
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const attr = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const maxAge = attr('max-age');
      const expires = attr('expires');
      const gone =
        maxAge !== undefined ? Number(maxAge) <= 0 : expires !== undefined && Date.parse(expires) <= Date.now();
      if (gone) cookies.delete(name);
      else cookies.set(name, pair.slice(at + 1));
    }
    this.jar.set(url.origin, cookies);
    return response;
  }
}
