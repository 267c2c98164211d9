// The baseline every ratio in the bench is taken against: Express 5 answering
// "hello" with nothing else in the way. Run as its own process, like the service.
// Two more routes show what Express itself allows for the same work as two of the
// service's scenarios, so a ratio target can be read against its ceiling:
// GET /page sends as many bytes as the service's form page (PAGE_BYTES), and
// POST /json parses a JSON body with express.json() and sends it back.
import { Buffer } from 'node:buffer';
import express from 'express';

const page = Buffer.alloc(Number(process.env.PAGE_BYTES ?? 40_000), 'x');
const app = express();
app.get('/', (_req, res) => {
  res.send('hello');
});
app.get('/page', (_req, res) => {
  res.type('html').send(page);
});
app.post('/json', express.json(), (req, res) => {
  res.json(req.body);
});
const port = Number(process.env.PORT ?? 3100);
app.listen(port, '127.0.0.1');
