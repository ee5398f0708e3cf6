import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Binds `port` (0: any) on every IPv4 address, then lets it go: the port it got, or undefined when taken. */
function probe(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', () => resolve(undefined));
    srv.listen(port, '0.0.0.0', () => {
      const got = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(got));
    });
  });
}

/** The low end of the OS's ephemeral range (Linux), or undefined where it cannot be read. */
function ephemeralLow(): number | undefined {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return low > 20_100 ? low : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A port free right now, for a child process to bind. Picked below the OS's ephemeral range: an
 * ephemeral port handed back by the OS could be taken by any outgoing connection (another test's
 * client, say) before the child binds it — a worker once failed with EADDRINUSE that way in CI.
 * Random in 20,000 up to that range, checked free on every IPv4 address; the OS's pick where the
 * range cannot be read.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  if (low !== undefined) {
    for (let i = 0; i < 50; i++) {
      const port = await probe(20_000 + Math.floor(Math.random() * (low - 20_000)));
      if (port !== undefined) return port;
    }
  }
  const port = await probe(0);
  if (port === undefined) throw new Error('no free TCP port');
  return port;
}

/** True when something accepts TCP connections on host:port. */
export function isListening(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on('connect', () => done(true));
    sock.on('error', () => done(false));
  });
}

/** True when an HTTP GET to url answers (any status below 500). */
export async function httpOk(url: string, init?: RequestInit): Promise<boolean> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
    return res.status < 500;
  } catch {
    return false;
  }
}
