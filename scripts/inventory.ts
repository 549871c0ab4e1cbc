// `npm run inventory` writes docs/ai-inventory.{md,json}; `npm run inventory:check` (CI) fails on any problem.
import { runInventory } from './inventory/run-inventory';

async function main(): Promise<void> {
  const result = await runInventory(process.cwd(), { check: process.argv.includes('--check') });
  for (const line of result.lines) (result.exitCode === 0 ? console.log : console.error)(line);
  process.exitCode = result.exitCode;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
