// A bar chart of median req/s per target, written by hand as SVG (no browser), and a PNG beside it
// when ImageMagick's `convert` is installed.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const COLORS = { project: "#2563eb", "better-auth": "#d97706", "raw-floor": "#4b5563", "raw-floor-nosync": "#9ca3af" };
const escapeXml = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** groups: [{title, bars: [{label, target, value, note}]}] */
export function chartSvg({ title, subtitle, groups }) {
  const width = 860;
  const left = 230;
  const right = 250;
  const barHeight = 26;
  const gap = 10;
  const groupGap = 26;
  const top = 78;
  const max = Math.max(1, ...groups.flatMap((group) => group.bars.map((bar) => bar.value ?? 0)));
  const scale = (value) => ((width - left - right) * value) / max;
  const rows = [];
  let y = top;
  for (const group of groups) {
    rows.push(
      `<text x="16" y="${y + 14}" font-size="14" font-weight="bold" fill="#111">${escapeXml(group.title)}</text>`,
    );
    y += 24;
    for (const bar of group.bars) {
      const value = bar.value ?? 0;
      const w = Math.max(1, scale(value));
      rows.push(
        `<text x="${left - 10}" y="${y + barHeight / 2 + 5}" font-size="13" text-anchor="end" fill="#222">${escapeXml(bar.label)}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" rx="3" fill="${COLORS[bar.target] ?? "#444"}"/>`,
        `<text x="${(left + w + 8).toFixed(1)}" y="${y + barHeight / 2 + 5}" font-size="13" fill="#111">${fmt(value)} req/s${bar.note ? ` ${escapeXml(bar.note)}` : ""}</text>`,
      );
      y += barHeight + gap;
    }
    y += groupGap - gap;
  }
  const height = y + 30;
  // Vertical grid lines at round numbers.
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough);
  const grid = [];
  for (let v = 0; v <= max; v += step) {
    const x = left + scale(v);
    grid.push(
      `<line x1="${x.toFixed(1)}" y1="${top - 6}" x2="${x.toFixed(1)}" y2="${height - 34}" stroke="#e5e7eb"/>`,
      `<text x="${x.toFixed(1)}" y="${height - 18}" font-size="11" text-anchor="middle" fill="#6b7280">${fmt(v)}</text>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
<title>${escapeXml(title)}</title>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="16" y="28" font-size="18" font-weight="bold" fill="#111">${escapeXml(title)}</text>
<text x="16" y="50" font-size="12" fill="#4b5563">${escapeXml(subtitle)}</text>
${grid.join("\n")}
${rows.join("\n")}
</svg>
`;
}

// SVG → PNG converters tried in turn (Debian: librsvg2-bin or imagemagick); none is required.
const PNG_CONVERTERS = [
  (svg, png) => execFileSync("rsvg-convert", ["--zoom", "1.5", "-o", png, svg], { stdio: "ignore" }),
  (svg, png) => {
    const version = execFileSync("convert", ["-version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    if (!/ImageMagick/.test(version)) throw new Error("not ImageMagick");
    execFileSync("convert", ["-density", "110", svg, png], { stdio: "ignore" });
  },
];

/** Writes the SVG, and a PNG when rsvg-convert or ImageMagick is there. Returns the files written. */
export function writeChart(svgPath, chart) {
  writeFileSync(svgPath, chartSvg(chart));
  const pngPath = svgPath.replace(/\.svg$/, ".png");
  for (const convert of PNG_CONVERTERS) {
    try {
      convert(svgPath, pngPath);
      return [svgPath, pngPath];
    } catch {
      // Not installed (or failed): the next one, else the SVG alone.
    }
  }
  return [svgPath];
}
