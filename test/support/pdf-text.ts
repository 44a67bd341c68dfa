/**
 * The text of each page of a PDF as Chromium (Skia) writes it: uncompressed object table, Flate
 * content streams, Type0 fonts with ToUnicode maps. Enough to check what a printed page says
 * (running headers, page numbers) without a PDF library; not a general PDF reader.
 */
import { inflateSync } from 'node:zlib';

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

function objects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const out = new Map<number, PdfObject>();
  for (const m of text.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const body = m[2]!;
    const s = /^([\s\S]*?)stream\r?\n/.exec(body);
    if (!s) {
      out.set(Number(m[1]), { dict: body });
      continue;
    }
    const dict = s[1]!;
    const start = m.index + m[0].indexOf(body) + s[0].length;
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
    const raw = pdf.subarray(start, start + length);
    out.set(Number(m[1]), { dict, stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw });
  }
  return out;
}

const refs = (s: string | undefined) => [...(s ?? '').matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));

/** A ToUnicode CMap: glyph code (hex) -> text. */
function cmap(stream: Buffer): Map<string, string> {
  const text = stream.toString('latin1');
  const map = new Map<string, string>();
  const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(m[1]!.toUpperCase(), utf16(m[2]!));
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
    for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const [lo, hi, first] = [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
      for (let c = lo; c <= hi; c++) map.set(c.toString(16).toUpperCase().padStart(m[1]!.length, '0'), String.fromCharCode(first + c - lo));
    }
  return map;
}

export function pdfPageTexts(pdf: Buffer): string[] {
  const objs = objects(pdf);
  const fontMap = new Map<number, Map<string, string>>();
  const fontOf = (n: number) => {
    if (!fontMap.has(n)) {
      const to = refs(/\/ToUnicode (\d+ 0 R)/.exec(objs.get(n)?.dict ?? '')?.[1])[0];
      fontMap.set(n, to !== undefined && objs.get(to)?.stream ? cmap(objs.get(to)!.stream!) : new Map());
    }
    return fontMap.get(n)!;
  };
  const pages = [...objs.values()].filter((o) => /\/Type \/Page\b/.test(o.dict));
  return pages.map((page) => {
    let resources = page.dict;
    const resRef = /\/Resources (\d+) 0 R/.exec(page.dict);
    if (resRef) resources = objs.get(Number(resRef[1]))?.dict ?? '';
    const fonts = new Map<string, number>();
    const fontDict =
      /\/Font\s*<<([\s\S]*?)>>/.exec(resources)?.[1] ??
      refs(/\/Font (\d+ 0 R)/.exec(resources)?.[1])
        .map((n) => objs.get(n)?.dict ?? '')
        .join(' ');
    for (const m of fontDict.matchAll(/\/(\w+) (\d+) 0 R/g)) fonts.set(m[1]!, Number(m[2]));
    const contents = refs(/\/Contents (\[[^\]]*\]|\d+ 0 R)/.exec(page.dict)?.[1])
      .map((n) => objs.get(n)?.stream?.toString('latin1') ?? '')
      .join('\n');
    let map = new Map<string, string>();
    const words: string[] = [];
    for (const m of contents.matchAll(/\/(\w+) [\d.]+ Tf|\[((?:[^\]]|\\\])*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj/g)) {
      if (m[1]) {
        map = fonts.has(m[1]) ? fontOf(fonts.get(m[1])!) : new Map();
        continue;
      }
      const hexes = m[2] !== undefined ? [...m[2].matchAll(/<([0-9A-Fa-f]*)>/g)].map((h) => h[1]!) : [m[3]!];
      words.push(hexes.map((h) => (h.match(/.{4}/g) ?? []).map((g) => map.get(g.toUpperCase()) ?? '').join('')).join(''));
    }
    return words.join(' ');
  });
}
