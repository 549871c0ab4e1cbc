// Types of eslint.layers.mjs, for the tests that read the layers.
export interface Layer {
  name: string;
  paths: string[];
  imports: string[];
}
export declare const LAYERS: Layer[];
export declare function layerZones(): { target: string[]; from: string[]; message: string }[];
