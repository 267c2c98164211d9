// The HTTP server for the app. It builds requests and responses with the app's prototypes from the start, so
// Express finds them in place on arrival instead of re-parenting each object, which changes its shape in V8
// and slows every later property access on it. See docs/internals.md#http-server.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';

/** As Node calls it: with the server's options (highWaterMark…), which the typings leave out. */
const nodeResponse = http.ServerResponse as unknown as (
  this: http.ServerResponse,
  req: http.IncomingMessage,
  options?: unknown,
) => void;

/** Whether `constructor` can be called without `new`: true of Node's two constructors today, false of a class. */
const callable = (constructor: unknown) =>
  typeof constructor === 'function' && !/^class\b/.test(Function.prototype.toString.call(constructor));

export function createHttpServer(app: Express): http.Server {
  // Should a later Node make them classes, the server Express would have made is the safe choice.
  if (!callable(http.IncomingMessage) || !callable(http.ServerResponse)) return http.createServer(app);
  // Node's IncomingMessage and ServerResponse are plain constructor functions, so they can be called on an
  // object made from the app's prototype (Reflect.construct with a new target was slower still).
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
