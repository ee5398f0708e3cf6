import net from 'node:net';
import { ConfigError } from './load';

/** Fails with a ConfigError naming `variable` when nothing answers on host:port within timeoutMs. */
export async function assertReachable(variable: string, value: string, hostPort: string, timeoutMs = 3000) {
  const idx = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, idx).replace(/^\[|\]$/g, '');
  const port = Number(hostPort.slice(idx + 1));
  const error = await new Promise<string | undefined>((resolve) => {
    const sock = net.connect({ host, port });
    sock.setTimeout(timeoutMs, () => {
      sock.destroy();
      resolve(`timed out after ${timeoutMs} ms`);
    });
    sock.on('connect', () => {
      sock.destroy();
      resolve(undefined);
    });
    sock.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
  if (error) {
    throw new ConfigError([{ variable, message: `cannot reach ${value} (${error}); is it running?` }]);
  }
}

/** host:port of a URL, with the scheme's default port. */
export function urlHostPort(u: string, defaultPort: number): string {
  const parsed = new URL(u);
  return `${parsed.hostname}:${parsed.port || defaultPort}`;
}
