import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Loaded by Node.js at run time rather than bundled: they read their own wasm and data files.
  serverExternalPackages: [
    '@electric-sql/pglite',
    'pglite-prisma-adapter',
    '@prisma/adapter-pg',
    'pg',
    'pino',
    '@opentelemetry/sdk-node',
    '@opentelemetry/exporter-trace-otlp-proto',
  ],
};

export default nextConfig;
