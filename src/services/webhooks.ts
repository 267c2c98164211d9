// Webhook endpoints as admins manage them: added with the events they want (a secret shown once for the standard
// format), checked against the SSRF guard, disabled, enabled, removed, tested and given a new secret. Each change is
// audited.
import crypto from 'node:crypto';
import { writeTransaction, type Db } from '../db/connection.js';
import type { AuditRepo } from '../db/repos/audit.js';
import type { WebhooksRepo } from '../db/repos/webhooks.js';
import type { Actor } from '../domain/accounts.js';
import { AppError, notFound } from '../errors.js';
import { checkHost, ForbiddenAddress } from '../webhooks/address-guard.js';
import { EVENT_TYPES } from '../webhooks/payload.js';
import { newSecret, PREVIOUS_SECRET_MS, signingSecrets } from '../webhooks/send.js';

export { EVENT_TYPES, CHAT_EVENTS } from '../webhooks/payload.js';
const LOG_ROWS = 50;

const refused = (message: string) => new AppError(422, 'webhook_refused', message);
/** Names the current secret in the rotation form without showing it: a page sent twice rotates once. */
const secretTag = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex').slice(0, 16);

export function webhookService(deps: {
  db: Db;
  repo: WebhooksRepo;
  audit: AuditRepo;
  clock: () => Date;
  allowPrivate: boolean;
}) {
  const audited = (actor: Actor, action: string, id: number, after?: Record<string, unknown>) =>
    deps.audit.record({ actor, action, subjectType: 'webhook', subjectId: id, after, at: deps.clock().toISOString() });
  const existing = (id: number) => {
    const endpoint = deps.repo.endpoint(id);
    if (!endpoint) throw notFound('There is no such webhook endpoint.');
    return endpoint;
  };

  return {
    list: () => deps.repo.endpoints().map(({ secret: _secret, previousSecret: _previous, ...endpoint }) => endpoint),
    /** The endpoint without its secrets; previousSecretUntil only while the previous secret still signs. */
    endpoint(id: number) {
      const found = existing(id);
      const signing = signingSecrets(found, deps.clock()).length > 1;
      const { secret, previousSecret: _previous, ...endpoint } = found;
      return {
        ...endpoint,
        previousSecretUntil: signing ? endpoint.previousSecretUntil : null,
        secretTag: secretTag(secret),
      };
    },
    log: (id: number) => deps.repo.log(existing(id).id, LOG_ROWS),

    /** A new endpoint; its secret is returned here once (the standard format signs with it). */
    async add(actor: Actor, input: { url: string; format: string; events: string[] }) {
      const parsed = URL.parse(input.url.trim());
      if (!parsed || !['https:', 'http:'].includes(parsed.protocol) || input.url.length > 2048) {
        throw refused('Give the endpoint as an https:// (or http://) address.');
      }
      if (parsed.username || parsed.password) throw refused('Leave the user name and password out of the address.');
      if (!['standard', 'chat'].includes(input.format)) throw refused('Choose the format: Standard Webhooks or chat.');
      const events = EVENT_TYPES.filter((type) => input.events.includes(type));
      if (!events.length) throw refused('Choose at least one event.');
      try {
        await checkHost(parsed, deps.allowPrivate);
      } catch (error) {
        if (error instanceof ForbiddenAddress) {
          throw refused(`${error.message}: webhooks may not reach this machine or its network.`);
        }
        throw refused(`${parsed.hostname} cannot be found: check the address.`);
      }
      const secret = newSecret();
      const id = writeTransaction(deps.db, () => {
        const at = deps.clock().toISOString();
        const format = input.format as 'standard' | 'chat';
        const added = deps.repo.addEndpoint({
          url: parsed.href,
          format,
          events: events.join(','),
          secret,
          createdBy: actor.label,
          at,
        });
        // A chat webhook's address is its secret: the audit log keeps only its origin.
        const url = format === 'chat' ? `${parsed.origin}/…` : parsed.href;
        audited(actor, 'webhook.add', added, { url, format, events });
        return added;
      });
      return { id, secret };
    },

    disable(actor: Actor, id: number) {
      existing(id);
      writeTransaction(deps.db, () => {
        if (deps.repo.disable(id, `Disabled by ${actor.label}`, deps.clock().toISOString()))
          audited(actor, 'webhook.disable', id);
      });
    },
    enable(actor: Actor, id: number) {
      existing(id);
      writeTransaction(deps.db, () => {
        if (deps.repo.enable(id)) audited(actor, 'webhook.enable', id);
      });
    },
    remove(actor: Actor, id: number) {
      const endpoint = existing(id);
      writeTransaction(deps.db, () => {
        deps.repo.remove(id);
        audited(actor, 'webhook.remove', id, {
          url: endpoint.format === 'chat' ? `${new URL(endpoint.url).origin}/…` : endpoint.url,
        });
      });
    },
    /**
     * A new secret, returned here once. The current one signs too for 24 hours, so the receiver can switch at its
     * own pace; rotating again within them drops the oldest at once (two secrets at most).
     */
    rotateSecret(actor: Actor, id: number, seenTag: string) {
      const secret = newSecret();
      const previousSecretUntil = writeTransaction(deps.db, () => {
        const endpoint = existing(id);
        if (endpoint.format !== 'standard') {
          throw new AppError(409, 'webhook_unsigned', 'A chat endpoint is not signed, so it has no secret to rotate.');
        }
        // A second press, or a reload that posts again, would drop at once the secret the receiver still uses.
        if (secretTag(endpoint.secret) !== seenTag) {
          throw new AppError(
            409,
            'webhook_secret_changed',
            'This secret was already replaced (the form was sent twice, or by someone else), and its successor was shown once. Open the endpoint again to rotate it once more.',
          );
        }
        const until = new Date(deps.clock().getTime() + PREVIOUS_SECRET_MS).toISOString();
        if (!deps.repo.rotateSecret(id, secret, until)) throw notFound('There is no such webhook endpoint.');
        audited(actor, 'webhook.secret_rotated', id, { previousSecretUntil: until });
        return until;
      });
      return { secret, previousSecretUntil };
    },
    /** A test event to this endpoint alone, delivered like any other. */
    sendTest(actor: Actor, id: number) {
      const endpoint = existing(id);
      if (endpoint.disabledAt) throw new AppError(409, 'webhook_disabled', 'Enable the endpoint before testing it.');
      writeTransaction(deps.db, () => {
        const at = deps.clock().toISOString();
        deps.repo.queueTest(id, { message: 'A test event: this endpoint is set up.' }, at);
        audited(actor, 'webhook.test', id);
      });
    },
  };
}
