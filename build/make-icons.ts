// Draws Hearth's icons from one SVG with sharp: the app icon electron-builder turns into .icns and .ico
// (build/icon.png, 1024 px), the Linux icon set (build/icons/NxN.png), and the window and tray images the
// shell loads at run time (main/assets). Run it after changing the drawing:
//   node_modules/.bin/node build/make-icons.ts
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import sharp from "sharp";

const root = fileURLToPath(new URL("..", import.meta.url));

// A house (the hearth) with a flame in it, on a warm rounded square.
const HOUSE = "M512 210 L812 462 V812 H212 V462 Z";
const FLAME =
  "M512 396 C590 470 650 540 650 632 C650 716 588 772 512 772 C436 772 374 716 374 632 C374 584 398 542 436 508 C438 556 462 586 494 596 C474 520 484 454 512 396 Z";

const appIcon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024">
  <defs><linearGradient id="warm" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#F59E0B"/><stop offset="1" stop-color="#C2410C"/></linearGradient></defs>
  <rect x="64" y="64" width="896" height="896" rx="200" fill="url(#warm)"/>
  <path d="${HOUSE}" fill="#FFF7ED" stroke="#FFF7ED" stroke-width="40" stroke-linejoin="round"/>
  <path d="${FLAME}" fill="#EA580C"/>
</svg>`;

// The macOS menu bar wants a template image: black and transparent, which the system tints. The flame is
// cut out of the house so the shape reads at 16 points.
function trayIcon(colour: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="150 150 724 724">
  <mask id="cut"><rect x="0" y="0" width="1024" height="1024" fill="white"/><path d="${FLAME}" fill="black"/></mask>
  <path d="${HOUSE}" fill="${colour}" stroke="${colour}" stroke-width="60" stroke-linejoin="round" mask="url(#cut)"/>
</svg>`;
}

async function png(svg: string, size: number, path: string): Promise<void> {
  await sharp(Buffer.from(svg), { density: 300 }).resize(size, size).png().toFile(`${root}/${path}`);
}

mkdirSync(`${root}/build/icons`, { recursive: true });
mkdirSync(`${root}/main/assets`, { recursive: true });
await png(appIcon, 1024, "build/icon.png");
for (const size of [16, 32, 48, 64, 128, 256, 512]) await png(appIcon, size, `build/icons/${size}x${size}.png`);
await png(appIcon, 512, "main/assets/icon.png");
await png(trayIcon("#000000"), 16, "main/assets/trayTemplate.png");
await png(trayIcon("#000000"), 32, "main/assets/trayTemplate@2x.png");
await png(trayIcon("#EA580C"), 32, "main/assets/tray.png");
await png(trayIcon("#EA580C"), 64, "main/assets/tray@2x.png");
process.stdout.write("Icons written to build/ and main/assets/.\n");
