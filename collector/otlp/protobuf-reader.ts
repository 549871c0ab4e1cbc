// A cursor over protobuf wire-format bytes (https://protobuf.dev/programming-guides/encoding/) for readers that
// build their own values as they go. It refuses exactly what protobufjs's Reader refuses, with its messages
// (the sink decoded with protobufjs before, and a client sees the same 400 for the same body).

/** A body that is not valid wire format; the message is protobufjs's. */
export class WireFormatError extends Error {
  override name = 'WireFormatError';
}

export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const I32 = 5;

/** A field's tag as it is on the wire. */
export const tagOf = (field: number, wireType: number) => (field << 3) | wireType;

/**
 * protobufjs's limit on nesting (protoc's default recursion limit): a message `depth` levels below the one
 * decoded is refused past it, and so are groups nested that deep in an unknown field.
 */
const MAX_DEPTH = 100;

/** Which of protobufjs's three 32-bit varint readers a read follows: they differ only at the fifth byte. */
const enum Varint32 {
  Tag,
  Size,
  Uint32,
}

/**
 * Node's Buffer methods behind `toString(encoding, start, end)` (protobufjs calls `utf8Slice` the same way):
 * called directly, they spare its argument checks and encoding lookup on every string, 15% of a body's decode.
 */
interface SlicingBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
  base64Slice(start: number, end: number): string;
}

// Strict, as proto3 strings must be UTF-8; the BOM is kept, as protobufjs keeps it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class ProtobufReader {
  pos = 0;
  /** Where the message being read ends. */
  end: number;
  private readonly buf: SlicingBuffer;
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as SlicingBuffer;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.byteLength;
  }

  get more(): boolean {
    return this.pos < this.end;
  }

  tag(): number {
    // Nearly every tag is one byte.
    if (this.pos < this.end) {
      const byte = this.buf[this.pos] as number;
      if (byte < 128) {
        this.pos += 1;
        return byte;
      }
    }
    return this.varint32(Varint32.Tag);
  }

  /** A varint as protobufjs's int32 and uint32 read it, as an unsigned 32-bit number. */
  uint32(): number {
    return this.varint32(Varint32.Uint32);
  }

  /** An int64 varint as a number, rounded as `Number(long.toString())` rounds protobufjs's Long. */
  int64(): number {
    const { buf } = this;
    let low = 0;
    let high = 0;
    if (this.end - this.pos > 4) {
      for (let shift = 0; shift < 28; shift += 7) {
        const byte = buf[this.pos++] as number;
        low |= (byte & 127) << shift;
        if (byte < 128) return low;
      }
      const fifth = buf[this.pos++] as number;
      low = (low | ((fifth & 127) << 28)) >>> 0;
      high = (fifth & 127) >> 4;
      if (fifth < 128) return high * 4294967296 + low;
    } else {
      for (let shift = 0; shift < 28; shift += 7) {
        const byte = this.next();
        low |= (byte & 127) << shift;
        if (byte < 128) return low;
      }
      throw this.outOfRange(1);
    }
    // protobufjs checks each of the last five bytes only when fewer than five are left.
    const checked = this.end - this.pos <= 4;
    for (let shift = 3; shift <= 31; shift += 7) {
      const byte = checked ? this.next() : (buf[this.pos++] as number);
      high |= (byte & 127) << shift;
      // One rounding of the exact value (high * 2^32 is exact), as parsing the Long's decimal text rounds it.
      if (byte < 128) return high * 4294967296 + low;
    }
    throw new WireFormatError('invalid varint encoding');
  }

  bool(): boolean {
    let value = false;
    for (let i = 0; i < 10; i++) {
      const byte = this.next();
      if (byte & 127) value = true;
      if (byte < 128) return value;
    }
    throw new WireFormatError('invalid varint encoding');
  }

  fixed64(): bigint {
    this.need(8, 8);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  double(): number {
    // protobufjs reports 4 bytes wanted here, not 8.
    this.need(8, 4);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** A length-delimited string, which must be UTF-8. */
  string(): string {
    const start = this.delimited();
    const { buf, pos } = this;
    let hash = pos - start;
    // Most keys and values are ASCII, and checking that here costs less than the fatal decoder's call.
    for (let i = start; i < pos; i++) {
      const byte = buf[i] as number;
      if (byte > 127) return utf8(buf.subarray(start, pos));
      hash = (Math.imul(hash, 31) + byte) | 0;
    }
    return recentAscii(buf, start, pos, hash);
  }

  /** Length-delimited bytes as hex. */
  hex(): string {
    const start = this.delimited();
    return this.buf.hexSlice(start, this.pos);
  }

  /** Length-delimited bytes as base64. */
  base64(): string {
    const start = this.delimited();
    return this.buf.base64Slice(start, this.pos);
  }

  /**
   * Starts reading a length-delimited message `depth` levels below the outermost; returns the end of the
   * enclosing one, for `leave`.
   */
  enter(depth: number): number {
    const length = this.varint32(Varint32.Size);
    if (depth > MAX_DEPTH) throw new WireFormatError('max depth exceeded');
    const end = this.pos + length;
    if (end > this.end) throw new WireFormatError('index out of range');
    const outer = this.end;
    this.end = end;
    return outer;
  }

  leave(outer: number): void {
    this.end = outer;
  }

  /** Skips the field whose tag was just read, in a message `depth` levels below the outermost. */
  skip(tag: number, depth: number): void {
    this.skipType(tag & 7, depth, tag >>> 3);
  }

  private skipType(wireType: number, depth: number, field: number): void {
    if (depth > MAX_DEPTH) throw new WireFormatError('max depth exceeded');
    if (field === 0) throw new WireFormatError('illegal tag: field number 0');
    switch (wireType) {
      case VARINT:
        while (this.next() & 128);
        return;
      case I64:
        return this.advance(8);
      case LEN:
        return this.advance(this.varint32(Varint32.Size));
      case START_GROUP:
        // Groups are long deprecated; protobufjs skips them, field by field, up to the matching end.
        for (;;) {
          const tag = this.tag();
          if (tag >>> 3 === 0) throw new WireFormatError('illegal tag: field number 0');
          if ((tag & 7) === END_GROUP) {
            if (tag >>> 3 !== field) throw new WireFormatError('invalid end group tag');
            return;
          }
          this.skipType(tag & 7, depth + 1, tag >>> 3);
        }
      case I32:
        return this.advance(4);
      default:
        throw new WireFormatError(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }

  /** Reads a length and checks the bytes are there; returns where they start, and moves past them. */
  private delimited(): number {
    const length = this.varint32(Varint32.Size);
    const start = this.pos;
    this.advance(length);
    return start;
  }

  private advance(length: number): void {
    this.need(length, length);
    this.pos += length;
  }

  /** Checks `length` bytes are left; `reported` is the count protobufjs's message gives. */
  private need(length: number, reported: number): void {
    if (this.pos + length > this.end) throw this.outOfRange(reported);
  }

  /** The next byte, checked to be in the message. */
  private next(): number {
    if (this.pos >= this.end) throw this.outOfRange(1);
    return this.buf[this.pos++] as number;
  }

  private outOfRange(length: number): WireFormatError {
    return new WireFormatError(`index out of range: ${this.pos} + ${length || 1} > ${this.end}`);
  }

  /** A varint of up to 32 bits, checked as protobufjs checks it, including where its messages say it failed. */
  private varint32(kind: Varint32): number {
    const { buf } = this;
    let pos = this.pos;
    if (this.end - pos < 5) {
      if (pos >= this.end) throw this.outOfRange(1);
      if ((buf[pos] as number) >= 128) return this.varint32NearEnd();
    }
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const byte = buf[pos++] as number;
      value |= (byte & 127) << shift;
      if (byte < 128) {
        this.pos = pos;
        return value;
      }
    }
    const fifth = buf[pos++] as number;
    this.pos = pos;
    switch (kind) {
      case Varint32.Tag:
        if (fifth >= 16) throw new WireFormatError('invalid tag encoding');
        return (value | (fifth << 28)) >>> 0;
      case Varint32.Size:
        if (fifth > 7) throw new WireFormatError('invalid length encoding');
        return value | (fifth << 28);
      case Varint32.Uint32:
        // The bits past 32 are dropped, but the varint may run to ten bytes.
        value = (value | ((fifth & 15) << 28)) >>> 0;
        for (let byte = fifth, count = 5; byte >= 128; count++) {
          if (count === 10) throw new WireFormatError('invalid varint encoding');
          byte = this.next();
        }
        return value;
    }
  }

  /** Fewer than five bytes left: each is checked, and a fifth is out of range whatever the kind. */
  private varint32NearEnd(): number {
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const byte = this.next();
      value |= (byte & 127) << shift;
      if (byte < 128) return value;
    }
    throw this.outOfRange(1);
  }
}

/**
 * Attribute keys and many values repeat from span to span, and from body to body: the ASCII strings read
 * lately are kept, by a hash of their bytes, and one read again is reused rather than made again (which also
 * spares V8 from internalizing a fresh copy of each key as it becomes a property).
 */
const recentStrings = new Array<string | undefined>(4096).fill(undefined);
/** Longer strings are made afresh: they are seldom repeated, and comparing them is not free. */
const MAX_RECENT_LENGTH = 128;

function recentAscii(buf: SlicingBuffer, start: number, end: number, hash: number): string {
  if (end - start > MAX_RECENT_LENGTH) return buf.latin1Slice(start, end);
  const slot = hash & (recentStrings.length - 1);
  const recent = recentStrings[slot];
  if (recent?.length === end - start && sameAscii(recent, buf, start)) return recent;
  const text = buf.latin1Slice(start, end);
  recentStrings[slot] = text;
  return text;
}

function sameAscii(text: string, buf: Buffer, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

/** Text that is not all ASCII, refused with the fatal decoder's own message when it is not UTF-8. */
function utf8(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch (error) {
    throw new WireFormatError((error as Error).message);
  }
}
