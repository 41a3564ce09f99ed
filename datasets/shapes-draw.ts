import type { Rng } from '../src/core/random.js';
import { IMAGE_SIZE, TEXTURE_PERIOD, type ShapeScene } from './shapes-scene.js';

/** Is the point (u, v), in the shape's own rotated frame, inside a shape of outer radius r? */
type Mask = (u: number, v: number, r: number) => boolean;

const sqrt3over2 = Math.sqrt(3) / 2;

/** Indexed like shapeLabelSets.shape. */
const masks: readonly Mask[] = [
  (u, v, r) => u * u + v * v < r * r,
  (u, v, r) => Math.max(Math.abs(u), Math.abs(v)) < 0.8 * r,
  // Equilateral, apex up (image y grows downwards): three half-planes at apothem r/2.
  (u, v, r) => v < r / 2 && -sqrt3over2 * u - v / 2 < r / 2 && sqrt3over2 * u - v / 2 < r / 2,
  (u, v, r) => {
    const w = 0.3 * r;
    const au = Math.abs(u);
    const av = Math.abs(v);
    return (au < w && av < r) || (av < w && au < r);
  },
  (u, v, r) => {
    const d2 = u * u + v * v;
    return d2 < r * r && d2 > 0.3 * r * r;
  },
  (u, v, r) => Math.abs(u) + Math.abs(v) < r,
];

/** 1 where the texture shows the shape colour, 0 where it shows the dark shade. */
type Texture = (x: number, y: number) => number;

const band = (t: number) => Math.floor(t / (TEXTURE_PERIOD / 2)) & 1;

const textures: readonly Texture[] = [
  () => 1,
  (_x, y) => band(y),
  (x) => band(x),
  (x, y) => band(x) ^ band(y),
  (x, y) => (band(x) | band(y) ? 1 : 0),
];

const darkShade = 0.3;

const toByte = (value: number) => (value <= 0 ? 0 : value >= 1 ? 255 : Math.round(value * 255));

/** Draws a scene into `out` (HWC, RGB, uint8). The rng supplies the background noise. */
export function drawScene(scene: ShapeScene, rng: Rng, out: Uint8Array): void {
  const mask = masks[scene.labels.shape]!;
  const texture = textures[scene.labels.texture]!;
  const cos = Math.cos(scene.angle);
  const sin = Math.sin(scene.angle);
  const [r, g, b] = scene.colour;
  const [br, bg, bb] = scene.background;
  // Uniform noise, three 10-bit draws from one uint32 per pixel: the noise dominated render time.
  const scale = (2 * scene.noise) / 1023;
  let o = 0;
  for (let y = 0; y < IMAGE_SIZE; y++) {
    const dy = y + 0.5 - scene.cy;
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const dx = x + 0.5 - scene.cx;
      const u = cos * dx + sin * dy;
      const v = -sin * dx + cos * dy;
      if (mask(u, v, scene.radius)) {
        const shade = texture(x + scene.phaseX, y + scene.phaseY) ? 1 : darkShade;
        out[o] = toByte(r * shade);
        out[o + 1] = toByte(g * shade);
        out[o + 2] = toByte(b * shade);
      } else {
        const bits = rng.nextUint32();
        out[o] = toByte(br - scene.noise + (bits & 1023) * scale);
        out[o + 1] = toByte(bg - scene.noise + ((bits >>> 10) & 1023) * scale);
        out[o + 2] = toByte(bb - scene.noise + ((bits >>> 20) & 1023) * scale);
      }
      o += 3;
    }
  }
}
