// The baseline every ratio in the bench is taken against: Express 5 answering
// "hello" with nothing else in the way. Run as its own process, like the service.
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.send('hello');
});
app.listen(Number(process.env.PORT ?? 3100), '127.0.0.1');
