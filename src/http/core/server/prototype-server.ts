// The HTTP server for the app. `app.listen()` would make a plain Node server, and
// Express then gives every request and response its own prototype on arrival
// (`Object.setPrototypeOf(req, app.request)`), which changes the objects' shape in V8
// after Node has built them and slows every later property access on them, in
// Node's HTTP code as much as in ours (expressjs/express#5998). Here the server makes
// requests and responses with the app's prototypes from the start, so Express's own
// setPrototypeOf finds the prototype already in place and does nothing.
// A plain Express "hello" on this machine: 9,400 → 23,800 req/s (bench/RESULTS.md).
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';

/** As Node calls it: with the server's options (highWaterMark…), which the typings leave out. */
const nodeResponse = http.ServerResponse as unknown as (this: http.ServerResponse, req: http.IncomingMessage, options?: unknown) => void;

/** Whether `f` can be called without `new`: true of Node's two constructors today, false of a class. */
const callable = (f: unknown) => typeof f === 'function' && !/^class\b/.test(Function.prototype.toString.call(f));

export function createHttpServer(app: Express): http.Server {
  // Should a later Node make them classes, the server Express would have made is the safe choice.
  if (!callable(http.IncomingMessage) || !callable(http.ServerResponse)) return http.createServer(app);
  // Node's IncomingMessage and ServerResponse are plain constructor functions, so they can
  // be called on an object made from the app's prototype. (Reflect.construct with a new
  // target does the same, but measured slower than Express's own setPrototypeOf.)
  function Request(this: http.IncomingMessage, socket: Socket) {
    http.IncomingMessage.call(this, socket);
  }
  Request.prototype = app.request;
  function Response(this: http.ServerResponse, req: http.IncomingMessage, options?: unknown) {
    nodeResponse.call(this, req, options);
  }
  Response.prototype = app.response;
  return http.createServer(
    {
      IncomingMessage: Request as unknown as typeof http.IncomingMessage,
      ServerResponse: Response as unknown as typeof http.ServerResponse,
    },
    app,
  );
}
