// What the requester's private page reads: their request, found by its access token only.
import type { RequestsRepo } from '../db/repos/requests.js';
import type { StoredRequest } from '../domain/request.js';

/** Access tokens are 24 random bytes in base64url: anything else is not looked up. */
const ACCESS_TOKEN = /^[A-Za-z0-9_-]{32}$/;

export function requesterPageService(deps: { requests: RequestsRepo }) {
  return {
    findByAccessToken: (token: string): StoredRequest | undefined =>
      ACCESS_TOKEN.test(token) ? deps.requests.findByAccessToken(token) : undefined,
  };
}
