// Where mail goes: a real SMTP server when SMTP_URL is set, otherwise one .eml
// file per message under MAIL_DIR, so the service runs with no configuration.
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMessage {
  from: string;
  to: string;
  replyTo?: { name: string; address: string } | string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
  /** Chosen by the templates from their script: left unset, nodemailer scans every part (docs/internals.md#outbox). */
  textEncoding?: 'quoted-printable' | 'base64';
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface MailTransport {
  readonly description: string;
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

/** SMTP_URL → nodemailer options, with time-outs so a silent server cannot hang the worker. */
function smtpOptions(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // Not pooled: the outbox owns retries, and one connection per send keeps failures per message.
    pool: false,
  };
}

function smtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpOptions(smtpUrl));
  const url = new URL(smtpUrl);
  return {
    description: `SMTP ${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 587)}`,
    async send(message) {
      await transporter.sendMail(message);
    },
    close: () => transporter.close(),
  };
}

function fileTransport(dir: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `.eml files in ${dir}`,
    async send(message) {
      const info = await transporter.sendMail(message);
      await fs.promises.mkdir(dir, { recursive: true });
      const id = message.messageId.replace('@', '-at-').replace(/[^A-Za-z0-9.-]/g, '');
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}.eml`);
      // Under a temporary name, then renamed: a reader never sees half a message, and a write cut short
      // (ENOSPC) leaves nothing behind. Asynchronous, to keep file work off the event loop.
      try {
        await fs.promises.writeFile(`${file}.tmp`, info.message as Buffer);
        await fs.promises.rename(`${file}.tmp`, file);
      } catch (err) {
        await fs.promises.rm(`${file}.tmp`, { force: true }).catch(() => undefined);
        throw err;
      }
    },
    close: () => transporter.close(),
  };
}

export const createTransport = (smtpUrl: string | null, mailDir: string): MailTransport =>
  smtpUrl ? smtpTransport(smtpUrl) : fileTransport(mailDir);

/** SMTP 5xx answers and refused addresses will not get better by trying again. */
export function isPermanentFailure(err: unknown): boolean {
  const { responseCode, code } = err as { responseCode?: number; code?: string };
  if (typeof responseCode === 'number') return responseCode >= 500 && responseCode < 600;
  return code === 'EENVELOPE';
}

export function describeFailure(err: unknown): string {
  const { response, message, code } = err as { response?: string; message?: string; code?: string };
  return String(response ?? message ?? code ?? err).slice(0, 500);
}
