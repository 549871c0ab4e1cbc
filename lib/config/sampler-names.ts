// The standard OTEL_TRACES_SAMPLER values Spendtrace accepts (kept apart from the SDK, so the configuration
// can name them without loading it).
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TracesSamplerName = (typeof TRACES_SAMPLERS)[number];
