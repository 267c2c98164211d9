// A real SMTP server inside the test process (smtp-server), whose received
// messages are parsed by mailparser, so tests assert on what a mail server got.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface TestSmtp {
  url: string;
  port: number;
  messages: ParsedMail[];
  /** What the next RCPT/DATA should answer: null accepts; a number rejects with that SMTP code. */
  failWith: number | null;
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startSmtp(port = 0): Promise<TestSmtp> {
  const state: TestSmtp = {
    url: '',
    port: 0,
    messages: [],
    failWith: null,
    async waitFor(count, timeoutMs = 10_000) {
      const start = Date.now();
      while (state.messages.length < count) {
        if (Date.now() - start > timeoutMs) {
          throw new Error(`Expected ${count} messages, got ${state.messages.length} after ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      return state.messages;
    },
    close: async () => undefined,
  };
  const options: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (state.failWith) {
        const err = Object.assign(new Error(`${state.failWith} test server refuses`), { responseCode: state.failWith });
        return cb(err);
      }
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((mail) => {
          state.messages.push(mail);
          cb();
        })
        .catch(cb);
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  state.port = (server.server.address() as AddressInfo).port;
  state.url = `smtp://127.0.0.1:${state.port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
