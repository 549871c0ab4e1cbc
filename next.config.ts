import { readFileSync } from 'node:fs';
import type { NextConfig } from 'next';

// The release every span carries as service.version (spend by release on the dashboard): the build's
// SPENDTRACE_SERVICE_VERSION (a tag or commit, `SPENDTRACE_SERVICE_VERSION=$(git describe) npm run build`),
// else package.json's version. Inlined into the build; SPENDTRACE_SERVICE_VERSION at run time overrides it.
const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

const nextConfig: NextConfig = {
  env: { SPENDTRACE_BUILD_VERSION: process.env.SPENDTRACE_SERVICE_VERSION?.trim() || packageVersion },
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
