import { readFileSync } from 'node:fs';
import net from 'node:net';
import { freePort } from '../src/net';

const listen = (port: number) =>
  new Promise<net.Server>((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(port, '0.0.0.0', () => resolve(srv));
  });

test('a free port lies below the ephemeral range (no outgoing connection can take it first) and binds', async () => {
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  for (const port of ports) {
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThan(low);
  }
  const srv = await listen(ports[0]!);
  // and a port in use is never handed out
  const taken = (srv.address() as net.AddressInfo).port;
  const more = await Promise.all(Array.from({ length: 50 }, () => freePort()));
  expect(more).not.toContain(taken);
  await new Promise<void>((r) => srv.close(() => r()));
});
