// Where each custom_id of a streamed file was first used. It has one entry per request line, so for a file of
// short lines it is most of what the CLI holds: an open-addressing hash table over typed arrays, with the ids'
// UTF-8 bytes in one buffer, costs about 30 bytes an id where a Map of strings to objects cost about 130.

export interface Place {
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

const EMPTY = 0;

export class FirstUseIndex {
  /** Slot → entry + 1 (0: empty); a power of two, kept at most three quarters full. */
  private slots = new Int32Array(1024);
  private count = 0;
  /** Per entry: hash, line, start, end (4 Int32 each) and where its id's bytes start in `bytes`. */
  private entries = new Int32Array(4 * 256);
  private offsets = new Float64Array(257);
  private bytes = Buffer.allocUnsafe(4096);
  private used = 0;
  private scratch = Buffer.allocUnsafe(256);

  get size(): number {
    return this.count;
  }

  get(id: string): Place | undefined {
    const length = this.encode(id);
    const entry = this.find(hashOf(id), length);
    if (entry < 0) return undefined;
    const e = this.entries;
    return { line: e[4 * entry + 1]!, start: e[4 * entry + 2]!, end: e[4 * entry + 3]! };
  }

  /** Records `id` at `place` unless it was used before. */
  add(id: string, place: Place): void {
    const length = this.encode(id);
    const hash = hashOf(id);
    if (this.find(hash, length) >= 0) return;
    const entry = this.count++;
    this.reserve(entry, length);
    this.scratch.copy(this.bytes, this.used, 0, length);
    this.used += length;
    this.offsets[entry + 1] = this.used;
    const e = this.entries;
    e[4 * entry] = hash;
    e[4 * entry + 1] = place.line;
    e[4 * entry + 2] = place.start;
    e[4 * entry + 3] = place.end;
    if (this.count * 4 > this.slots.length * 3) this.rehash(this.slots.length * 2);
    else this.place(entry, hash);
  }

  /** The entry holding the id now in `scratch`, or -1. */
  private find(hash: number, length: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === EMPTY) return -1;
      const entry = held - 1;
      if (this.entries[4 * entry] !== hash) continue;
      const start = this.offsets[entry]!;
      const end = this.offsets[entry + 1]!;
      if (end - start === length && this.bytes.compare(this.scratch, 0, length, start, end) === 0) return entry;
    }
  }

  private place(entry: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let entry = 0; entry < this.count; entry++) this.place(entry, this.entries[4 * entry]!);
  }

  /** Room for entry `entry` and `length` more bytes. */
  private reserve(entry: number, length: number): void {
    if (4 * entry + 4 > this.entries.length) {
      const grown = new Int32Array(this.entries.length * 2);
      grown.set(this.entries);
      this.entries = grown;
      const offsets = new Float64Array(this.offsets.length * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    if (this.used + length > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
  }

  /** Writes the id's UTF-8 bytes to `scratch`; returns their count. */
  private encode(id: string): number {
    if (id.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafe(id.length * 3);
    return this.scratch.write(id, 0, 'utf8');
  }
}

/** FNV-1a over the UTF-16 code units. */
function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash | 0;
}
