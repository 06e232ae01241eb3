// GB18030 bytes for test files, without an encoder library: Node's TextDecoder only decodes, so the
// table is built by decoding every two-byte GB18030 sequence once (about 24,000 of them, a few ms).
// ASCII and every character of GBK (all Chinese text the tests use) are covered.

let table: Map<string, number[]> | null = null;

function buildTable(): Map<string, number[]> {
  const decoder = new TextDecoder("gb18030", { fatal: true });
  const map = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      try {
        const ch = decoder.decode(Uint8Array.of(lead, trail));
        if (ch.length === 1 && !map.has(ch)) map.set(ch, [lead, trail]);
      } catch {
        // not a two-byte sequence
      }
    }
  }
  return map;
}

export function encodeGb18030(text: string): Buffer {
  table ??= buildTable();
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) bytes.push(code);
    else {
      const pair = table.get(ch);
      if (!pair) throw new Error(`no two-byte GB18030 form for ${ch}`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}
