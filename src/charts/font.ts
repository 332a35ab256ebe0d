import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The one font of every chart: Arimo (SIL Open Font License 1.1, from the npm package
 * `@expo-google-fonts/arimo`), regular and bold. A bare machine has no fonts, so charts never rely on
 * the system's: the PNG renderer loads these files only, and the chart layout measures text with
 * their own advance widths, so labels are placed for the glyphs that are drawn. Arimo is
 * metric-compatible with Arial, so the SVG also lays out right where a viewer falls back to Arial.
 */
export const FONT_FAMILY = 'Arimo';
/** The CSS family list written into the SVG: Arimo, else its metric twins. */
export const FONT_FAMILY_CSS = 'Arimo, Arial, Helvetica, sans-serif';

const require = createRequire(import.meta.url);
export const FONT_FILES = {
  regular: require.resolve('@expo-google-fonts/arimo/400Regular/Arimo_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/arimo/700Bold/Arimo_700Bold.ttf'),
} as const;

/** Advance widths of one TrueType font, in em, by UTF-16 code unit (the Basic Multilingual Plane). */
interface FontMetrics {
  advance(codeUnit: number): number;
}

/**
 * Reads the advance widths from the font's `cmap` (format 4, the Windows Unicode BMP subtable) and
 * `hmtx` tables. Kerning is left out: it moves a label by a fraction of a pixel.
 */
function readMetrics(path: string): FontMetrics {
  const font = readFileSync(path);
  const tables = new Map<string, number>();
  const numTables = font.readUInt16BE(4);
  for (let i = 0; i < numTables; i += 1) {
    const record = 12 + 16 * i;
    tables.set(font.toString('latin1', record, record + 4), font.readUInt32BE(record + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`font ${path} has no '${tag}' table`);
    return offset;
  };
  const unitsPerEm = font.readUInt16BE(table('head') + 18);
  const numberOfHMetrics = font.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advanceOfGlyph = (glyph: number): number =>
    font.readUInt16BE(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1)) / unitsPerEm;

  const cmap = table('cmap');
  let subtable: number | undefined;
  for (let i = 0; i < font.readUInt16BE(cmap + 2); i += 1) {
    const record = cmap + 4 + 8 * i;
    if (font.readUInt16BE(record) === 3 && font.readUInt16BE(record + 2) === 1) {
      subtable = cmap + font.readUInt32BE(record + 4);
    }
  }
  if (subtable === undefined || font.readUInt16BE(subtable) !== 4) {
    throw new Error(`font ${path} has no format-4 Unicode cmap`);
  }
  const segCount = font.readUInt16BE(subtable + 6) / 2;
  const endCodes = subtable + 14;
  const startCodes = endCodes + 2 * segCount + 2;
  const idDeltas = startCodes + 2 * segCount;
  const idRangeOffsets = idDeltas + 2 * segCount;
  const glyphOf = (code: number): number => {
    for (let s = 0; s < segCount; s += 1) {
      if (font.readUInt16BE(endCodes + 2 * s) < code) continue;
      const start = font.readUInt16BE(startCodes + 2 * s);
      if (start > code) return 0;
      const delta = font.readUInt16BE(idDeltas + 2 * s);
      const rangeOffsetAt = idRangeOffsets + 2 * s;
      const rangeOffset = font.readUInt16BE(rangeOffsetAt);
      if (rangeOffset === 0) return (code + delta) & 0xffff;
      const glyph = font.readUInt16BE(rangeOffsetAt + rangeOffset + 2 * (code - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  return {
    advance(codeUnit: number): number {
      let width = cache.get(codeUnit);
      if (width === undefined) {
        width = advanceOfGlyph(glyphOf(codeUnit));
        cache.set(codeUnit, width);
      }
      return width;
    },
  };
}

let metrics: { regular: FontMetrics; bold: FontMetrics } | undefined;

/** The width in pixels of `text` set in Arimo at `sizePx`, bold or regular, on one line. */
export function textWidth(text: string, sizePx: number, bold = false): number {
  metrics ??= { regular: readMetrics(FONT_FILES.regular), bold: readMetrics(FONT_FILES.bold) };
  const font = bold ? metrics.bold : metrics.regular;
  let em = 0;
  for (let i = 0; i < text.length; i += 1) em += font.advance(text.charCodeAt(i));
  return em * sizePx;
}

/**
 * Measures a CSS font shorthand as ECharts passes it (`bold 16px Arimo, …`, `12px Arimo, …`): the
 * size in px and whether the weight is bold (`bold`, `bolder` or 600–900).
 */
export function measureCssText(text: string, cssFont: string | undefined): number {
  const size = /(\d+(?:\.\d+)?)px/.exec(cssFont ?? '');
  const bold = /\b(bold|bolder|[6-9]00)\b/.test(cssFont ?? '');
  return textWidth(text, size ? Number(size[1]) : 12, bold);
}
