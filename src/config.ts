// Environment → one frozen, typed Config, checked at start. Every problem is reported at once, so an
// operator fixes the environment in one go.
import path from 'node:path';
import { projectRoot } from './paths.js';
import { isMailbox } from './email-address.js';

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databasePath: string;
  smtpUrl: string | null;
  mailDir: string;
  mailFrom: string;
  deskEmail: string;
  /** The licensor as licences name it. */
  publisher: { name: string; address: string; contact: string };
  publicBaseUrl: string;
  rateCardPath: string;
  formSecret: string | null;
  formMinFillSeconds: number;
  rateLimitSubmitPerHour: number;
  rateLimitQuotePerMinute: number;
  rateLimitLoginPerMinute: number;
  ackEmailsPerAddressPerDay: number;
  trustProxy: number;
  logLevel: string;
  metricsToken: string | null;
  /** Desk accounts and sessions. */
  passwordScryptLog2N: number;
  sessionSecret: string | null;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** required: every desk sign-in with a password asks for a second factor (set up at the first); optional: only
   * accounts that set one up. */
  secondFactor: 'required' | 'optional';
  /** Single sign-on through an OpenID Connect provider (docs/single-sign-on.md); null: none. */
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string } | null;
  /** Only single sign-on opens the desk: passwords and passkeys are refused. */
  ssoRequired: boolean;
  /** provider: the provider's own second factor stands for the desk's; desk: after single sign-on the desk asks its
   * own code too (as after a password). */
  ssoSecondFactor: 'provider' | 'desk';
  /** Webhooks may reach loopback, private and link-local addresses (for tests, or receivers inside the network). */
  webhooksAllowPrivate: boolean;
  /** The hour (UTC) from which the daily digest of overdue requests goes to webhooks that want it; null: never. */
  overdueDigestHour: number | null;
  overdueWorkingDays: number;
  /** Closed requests lose their personal data this many months after closing; 0 keeps it. */
  retentionMonths: number;
  /** Licences ending within this many days show as "ending" and their holders get one renewal reminder; 0: none. */
  renewalReminderDays: number;
  /** The "ending soon" window of the licences view and export: the reminder's, or 30 days when reminders are off. */
  licenceEndingDays: number;
  /** The licence conditions and privacy notice (docs/configuration.md, "Legal documents"). */
  documentsDir: string;
  /** The Chromium that prints licence PDFs; null: no PDFs (the licence page can still be printed). */
  chromiumPath: string | null;
  /** New requests are written by a thread of their own (1) or on the main thread (0); see src/db/writer/. */
  writerThread: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const problems: string[] = [];
  const root = projectRoot();
  const text = (name: string, fallback: string) => {
    const value = env[name]?.trim();
    return value ? value : fallback;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const email = (name: string, fallback: string) => {
    const value = text(name, fallback);
    // Accept "Name <addr@host>" or a bare address; no line breaks ever reach a header.
    if (!isMailbox(value)) problems.push(`${name} must be an email address (got "${value}")`);
    return value;
  };
  const url = (name: string, fallback: string, protocols: string[]) => {
    const value = text(name, fallback);
    try {
      const { protocol } = new URL(value);
      if (!protocols.includes(protocol)) problems.push(`${name} must start with ${protocols.join(' or ')}//`);
    } catch {
      // Never echo credentials (smtp://user:password@host) into logs or the journal.
      problems.push(`${name} must be a URL (got "${value.replace(/\/\/[^@/]*@/, '//***@')}")`);
    }
    return value.replace(/\/+$/, '');
  };

  const envName = text('NODE_ENV', 'development');
  if (!['development', 'production', 'test'].includes(envName)) {
    problems.push(`NODE_ENV must be development, production or test (got "${envName}")`);
  }
  const port = int('PORT', 3000, 0, 65535);
  const smtpRaw = env.SMTP_URL?.trim();
  const formSecret = env.FORM_SECRET?.trim() || null;
  if (formSecret && formSecret.length < 32) problems.push('FORM_SECRET must be at least 32 characters');
  const sessionSecret = env.SESSION_SECRET?.trim() || null;
  if (sessionSecret && sessionSecret.length < 32) problems.push('SESSION_SECRET must be at least 32 characters');

  // Kept exactly as written (a trailing slash too): discovery compares it character for character.
  const oidcIssuer = env.OIDC_ISSUER?.trim() || null;
  if (oidcIssuer) url('OIDC_ISSUER', oidcIssuer, ['http:', 'https:']);
  const oidcClientId = env.OIDC_CLIENT_ID?.trim() ?? '';
  const oidcClientSecret = env.OIDC_CLIENT_SECRET?.trim() ?? '';
  const loopback = (u: string) => URL.canParse(u) && ['localhost', '127.0.0.1', '[::1]'].includes(new URL(u).hostname);
  if (oidcIssuer?.startsWith('http:') && !loopback(oidcIssuer)) problems.push('OIDC_ISSUER must start with https://');
  if (oidcIssuer && (!oidcClientId || !oidcClientSecret)) {
    problems.push('OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are needed too');
  }
  const ssoRequired = text('SSO_REQUIRED', 'false') === 'true';
  if (!['true', 'false'].includes(text('SSO_REQUIRED', 'false'))) problems.push('SSO_REQUIRED must be true or false');
  if (ssoRequired && !oidcIssuer) problems.push('SSO_REQUIRED=true needs OIDC_ISSUER (and its client) to be set');

  const renewalReminderDays = int('RENEWAL_REMINDER_DAYS', 30, 0, 365);
  const config: Config = {
    env: envName as Config['env'],
    port,
    host: text('HOST', '127.0.0.1'),
    databasePath: path.resolve(root, text('DATABASE_PATH', 'data/reprise.db')),
    smtpUrl: smtpRaw ? url('SMTP_URL', smtpRaw, ['smtp:', 'smtps:']) : null,
    mailDir: path.resolve(root, text('MAIL_DIR', 'data/mail')),
    mailFrom: email('MAIL_FROM', 'Reprise <licensing@reprise.example>'),
    deskEmail: email('DESK_EMAIL', 'syndication@reprise.example'),
    publisher: {
      name: text('PUBLISHER_NAME', 'Reprise News Ltd'),
      address: text('PUBLISHER_ADDRESS', '1 Example Street, London EC1A 1AA, United Kingdom'),
      contact: text('PUBLISHER_CONTACT', 'syndication@reprise.example'),
    },
    publicBaseUrl: url('PUBLIC_BASE_URL', `http://localhost:${port}`, ['http:', 'https:']),
    rateCardPath: path.resolve(root, text('RATE_CARD_PATH', 'config/rate-card.json')),
    documentsDir: path.resolve(root, text('LEGAL_DOCUMENTS_DIR', 'config/documents')),
    formSecret,
    formMinFillSeconds: int('FORM_MIN_FILL_SECONDS', 3, 0, 3600),
    rateLimitSubmitPerHour: int('RATE_LIMIT_SUBMIT_PER_HOUR', 20, 0, 1_000_000),
    rateLimitQuotePerMinute: int('RATE_LIMIT_QUOTE_PER_MINUTE', 60, 0, 1_000_000),
    rateLimitLoginPerMinute: int('RATE_LIMIT_LOGIN_PER_MINUTE', 30, 0, 1_000_000),
    ackEmailsPerAddressPerDay: int('ACK_EMAILS_PER_ADDRESS_PER_DAY', 10, 0, 1_000_000),
    trustProxy: int('TRUST_PROXY', 0, 0, 10),
    logLevel: text('LOG_LEVEL', envName === 'test' ? 'silent' : 'info'),
    secondFactor: text('SECOND_FACTOR', 'required') as Config['secondFactor'],
    oidc: oidcIssuer
      ? {
          issuer: oidcIssuer,
          clientId: oidcClientId,
          clientSecret: oidcClientSecret,
          name: text('OIDC_NAME', "your organisation's account"),
        }
      : null,
    ssoRequired,
    ssoSecondFactor: text('SSO_SECOND_FACTOR', 'provider') as Config['ssoSecondFactor'],
    webhooksAllowPrivate: text('WEBHOOKS_ALLOW_PRIVATE', 'false') === 'true',
    overdueDigestHour: text('OVERDUE_DIGEST_HOUR', '8') === 'off' ? null : int('OVERDUE_DIGEST_HOUR', 8, 0, 23),
    metricsToken: env.METRICS_TOKEN?.trim() || null,
    passwordScryptLog2N: int('PASSWORD_SCRYPT_LOG2N', 17, 10, 20),
    sessionSecret,
    sessionIdleMinutes: int('SESSION_IDLE_MINUTES', 120, 1, 7 * 24 * 60),
    sessionAbsoluteHours: int('SESSION_ABSOLUTE_HOURS', 12, 1, 30 * 24),
    overdueWorkingDays: int('OVERDUE_WORKING_DAYS', 2, 1, 60),
    retentionMonths: int('RETENTION_MONTHS', 24, 0, 1200),
    renewalReminderDays,
    licenceEndingDays: renewalReminderDays || 30,
    writerThread: int('WRITER_THREAD', 1, 0, 1) === 1,
    chromiumPath: env.CHROMIUM_PATH === undefined ? '/usr/bin/chromium' : env.CHROMIUM_PATH.trim() || null,
  };
  if (!['required', 'optional'].includes(config.secondFactor)) {
    problems.push(`SECOND_FACTOR must be required or optional (got "${config.secondFactor}")`);
  }
  if (!['provider', 'desk'].includes(config.ssoSecondFactor)) {
    problems.push(`SSO_SECOND_FACTOR must be provider or desk (got "${config.ssoSecondFactor}")`);
  }
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${config.logLevel}")`);
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}
