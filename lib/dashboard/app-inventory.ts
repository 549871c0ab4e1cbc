// The AI inventory this build was made with: docs/ai-inventory.json is imported, not read at run time, so the
// running app compares its calls with the inventory of its own code, wherever it is deployed.
import inventoryJson from '../../docs/ai-inventory.json';
import { parseInventory, type Inventory } from './coverage';

let inventory: Inventory | undefined;

/** The bundled inventory, validated on first use; throws (naming the problem) if it is not an inventory. */
export function appInventory(): Inventory {
  inventory ??= parseInventory(inventoryJson);
  return inventory;
}
