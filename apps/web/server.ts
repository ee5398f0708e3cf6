/**
 * The web process: Next.js (console + /api route handlers), the Socket.IO gateway on /socket.io,
 * and Prometheus /metrics — one HTTP server, one port.
 */
import http from 'node:http';
import next from 'next';
import { ConfigError, exitOnStartupError } from '@blockops/config';
import { closeServices, getServices } from './lib/server/services';
import { attachGateway } from './lib/server/gateway';

async function main() {
  const dev = process.env.NODE_ENV !== 'production';
  const services = await getServices(); // a bad config or unreachable dependency ends here, clearly
  const { config, metrics, log } = services;
  const app = next({ dev, dir: __dirname, hostname: config.WEB_HOST, port: config.WEB_PORT });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = http.createServer((req, res) => {
    if (req.url === '/metrics' && req.method === 'GET') {
      metrics.registry
        .metrics()
        .then((body) => {
          res.setHeader('Content-Type', metrics.registry.contentType);
          res.end(body);
        })
        .catch(() => {
          res.statusCode = 500;
          res.end();
        });
      return;
    }
    void handle(req, res);
  });
  const gateway = await attachGateway(server, services);

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new ConfigError([
              {
                variable: 'WEB_PORT',
                message: `port ${config.WEB_PORT} on ${config.WEB_HOST} is already in use; stop what listens there or set WEB_PORT to a free port`,
              },
            ])
          : err,
      ),
    );
    server.listen(config.WEB_PORT, config.WEB_HOST, () => resolve());
  });
  log.info({ url: `http://${config.WEB_HOST}:${config.WEB_PORT}`, dev }, 'web console listening');
  console.log(`web console listening on http://${config.WEB_HOST}:${config.WEB_PORT}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    await gateway.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await closeServices();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(exitOnStartupError('web'));
