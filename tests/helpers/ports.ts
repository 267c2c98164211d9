// A TCP port on the loopback that nothing listens on right now: connecting to it
// is refused, as when a mail server is down, until a test starts a server there.
import net from 'node:net';

export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
