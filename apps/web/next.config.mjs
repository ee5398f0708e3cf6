/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages ship TypeScript source.
  transpilePackages: [
    '@blockops/domain',
    '@blockops/events',
    '@blockops/config',
    '@blockops/chain',
    '@blockops/accounts',
    '@blockops/workflows',
    '@blockops/breakers',
  ],
  // Node-only clients stay out of the bundle (native gRPC, sockets). @temporalio/workflow is
  // loaded only for the operation's message definitions (`@blockops/workflows/messages`).
  serverExternalPackages: [
    '@temporalio/client',
    '@temporalio/common',
    '@temporalio/proto',
    '@temporalio/workflow',
    'redis',
    'pino',
    'prom-client',
  ],
  // `npm run typecheck` and `npm run lint` check the code; the build only builds.
  typescript: { ignoreBuildErrors: true },
  eslint: { ignoreDuringBuilds: true },
};
export default nextConfig;
