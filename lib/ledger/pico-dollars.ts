// Money as exact integer pico-dollars (10^-12 USD): decimal prices in, exact decimal strings out, never a
// binary double on the way.

export const PICO_PER_USD = 1_000_000_000_000n;

/** Exact decimal string with 12 decimals, e.g. 1234n -> '0.000000001234'. */
export function formatPicoUsd(pico: bigint): string {
  const abs = pico < 0n ? -pico : pico;
  const fraction = (abs % PICO_PER_USD).toString().padStart(12, '0');
  return `${pico < 0n ? '-' : ''}${abs / PICO_PER_USD}.${fraction}`;
}

/**
 * Converts a USD-per-million-tokens price to exact integer pico-dollars per token ($1/MTok = 1,000,000).
 * Numbers go through their shortest round-trip decimal string, so 0.075 is read as the literal 0.075 and not
 * as the nearest binary double. Throws when the price is not a whole number of pico-dollars per token
 * (more than 6 decimals), rather than silently rounding money.
 */
export function usdPerMtokToPicoPerToken(value: number | string): bigint {
  return scaleDecimal(value, 6);
}

/** value * 10^scale as an exact bigint; throws if that is not an integer or value is not a non-negative decimal. */
export function scaleDecimal(value: number | string, scale: number): bigint {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`${text} is not a finite price`);
  // Numbers may stringify in exponent form (1e-7, 2.5e+21).
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match) throw new Error(`'${text}' is not a non-negative decimal number`);
  const [, whole = '', fraction = '', exponent = '0'] = match;
  const digits = BigInt(whole + fraction);
  const shift = Number(exponent) - fraction.length + scale;
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  if (digits % divisor !== 0n) {
    throw new Error(`${text} has more than ${scale} decimal places, finer than one pico-dollar per unit`);
  }
  return digits / divisor;
}
