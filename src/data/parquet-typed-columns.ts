import type { AsyncBuffer, DecodedArray, FileMetaData, RowGroup, SchemaElement, SchemaTree } from 'hyparquet';
import type { ColumnDecoder, Compressors } from 'hyparquet/src/types.js';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { snappyUncompressor } from 'hysnappy';
import { epochToMs } from './parse-timestamp.ts';

/** How a column's stored values become the numbers a bar holds. */
const Conversion = {
  /** A number as it is: prices, volume. */
  NUMBER: 0,
  /** A plain number used as a time: epoch, unit by magnitude ({@link epochToMs}). */
  EPOCH: 1,
  /** Already milliseconds (TIMESTAMP MILLIS). */
  MILLIS: 2,
  MICROS: 3,
  NANOS: 4,
  /** Days since 1970 (DATE). */
  DAYS: 5,
} as const;
type Conversion = (typeof Conversion)[keyof typeof Conversion];

/** One column this reader can decode, and how. */
export interface TypedColumnPlan {
  readonly decoder: ColumnDecoder;
  readonly conversion: Conversion;
  /** Its index among a row group's column chunks. */
  readonly chunkIndex: number;
}

/**
 * Snappy in WebAssembly (hysnappy, by hyparquet's authors): about 2.3× faster than
 * hyparquet's JavaScript snappy, which was the bound of this reader once values were no
 * longer boxed. One instance for the process, made on first use; it returns a copy of each
 * page, so pages never alias each other.
 */
let snappy: Compressors | undefined;
function compressors(): Compressors {
  if (snappy === undefined) {
    const uncompress = snappyUncompressor();
    snappy = { SNAPPY: (input: Uint8Array, outputLength: number) => uncompress(input, outputLength) };
  }
  return snappy;
}

const PLAIN_INTEGER = new Set([undefined, 'INT_8', 'INT_16', 'INT_32', 'INT_64']);

/** The conversion of a flat numeric column, or null when hyparquet's general path must read it. */
function conversionOf(element: SchemaElement, asTime: boolean): Conversion | null {
  const logical = element.logical_type;
  const converted = element.converted_type;
  if (element.type === 'DOUBLE' || element.type === 'FLOAT') {
    if (logical !== undefined || converted !== undefined) return null;
    return asTime ? Conversion.EPOCH : Conversion.NUMBER;
  }
  if (element.type !== 'INT32' && element.type !== 'INT64') return null;
  if (asTime && logical?.type === 'TIMESTAMP') {
    return logical.unit === 'MILLIS'
      ? Conversion.MILLIS
      : logical.unit === 'MICROS'
        ? Conversion.MICROS
        : Conversion.NANOS;
  }
  if (asTime && logical === undefined && converted === 'TIMESTAMP_MILLIS') return Conversion.MILLIS;
  if (asTime && logical === undefined && converted === 'TIMESTAMP_MICROS') return Conversion.MICROS;
  if (asTime && element.type === 'INT32' && converted === 'DATE') return Conversion.DAYS;
  const signedInteger = logical === undefined || (logical.type === 'INTEGER' && logical.isSigned);
  if (!signedInteger || !PLAIN_INTEGER.has(converted)) return null;
  return asTime ? Conversion.EPOCH : Conversion.NUMBER;
}

/**
 * Plans the typed read of `names` (the timestamp first): null when any of them is not a
 * flat column of a numeric type this reader converts exactly as the general path does,
 * or the file's chunks do not line up with its schema.
 */
export function planTypedColumns(
  metadata: FileMetaData,
  schema: SchemaTree,
  names: readonly string[],
): TypedColumnPlan[] | null {
  const plans: TypedColumnPlan[] = [];
  const firstGroup = metadata.row_groups[0];
  for (const [k, name] of names.entries()) {
    const leaf = schema.children.find((c) => c.element.name === name);
    if (leaf === undefined || leaf.children.length > 0 || leaf.element.repetition_type === 'REPEATED') return null;
    const conversion = conversionOf(leaf.element, k === 0);
    if (conversion === null) return null;
    const chunkIndex =
      firstGroup?.columns.findIndex(
        (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name,
      ) ?? -1;
    if (chunkIndex < 0) return null;
    const meta = firstGroup?.columns[chunkIndex]?.meta_data;
    if (meta === undefined) return null;
    plans.push({
      chunkIndex,
      conversion,
      decoder: {
        pathInSchema: [name],
        type: leaf.element.type ?? 'DOUBLE',
        element: leaf.element,
        schemaPath: [schema, leaf],
        codec: meta.codec,
        compressors: compressors(),
        // Not used: this reader converts the physical values itself.
        parsers: undefined as never,
      },
    });
  }
  return plans;
}

/** A stored value (number or bigint) as a number by `conversion`, the way the general path reads it. */
function convertOne(v: number | bigint, conversion: Conversion): number {
  switch (conversion) {
    case Conversion.NUMBER:
      return Number(v);
    case Conversion.EPOCH:
      return epochToMs(Number(v));
    case Conversion.MILLIS:
      return Number(v);
    case Conversion.MICROS:
      return Number(v) / 1e3;
    case Conversion.NANOS: {
      const ns = BigInt(v);
      return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
    }
    case Conversion.DAYS:
      return Number(v) * 86_400_000;
  }
}

/** Writes `values` converted into `out` from `at`; a typed array of doubles is copied as it is. */
function writeValues(values: DecodedArray, conversion: Conversion, out: Float64Array, at: number): void {
  const n = values.length;
  if (
    conversion === Conversion.NUMBER &&
    (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array)
  ) {
    out.set(values, at);
    return;
  }
  if (conversion === Conversion.MICROS && values instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) out[at + i] = Number(values[i]) / 1e3;
    return;
  }
  for (let i = 0; i < n; i++) out[at + i] = convertOne(values[i] as number | bigint, conversion);
}

/**
 * Where the values of a version-1 data page start when none of its `count` values is
 * null, else -1 (and hyparquet's page reader takes the page). A REQUIRED column stores no
 * definition levels; an OPTIONAL one stores them as a length-prefixed RLE/bit-packed
 * hybrid, which for a page without nulls is RLE runs of the maximum level, 1. Reading the
 * runs here spares an array of one level per value.
 */
function plainValuesAt(raw: Uint8Array, count: number, required: boolean): number {
  if (required) return 0;
  if (raw.length < 4) return -1;
  const end =
    4 + ((raw[0] as number) | ((raw[1] as number) << 8) | ((raw[2] as number) << 16) | ((raw[3] as number) << 24));
  if (end > raw.length) return -1;
  let p = 4;
  let seen = 0;
  while (p < end) {
    let header = 0;
    let shift = 0;
    let b: number;
    do {
      b = raw[p++] as number;
      header += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80 && p < end);
    // A bit-packed run (low bit 1) may hold nulls; an RLE run of level 0 is nulls.
    if (header % 2 === 1 || raw[p++] !== 1) return -1;
    seen += Math.floor(header / 2);
  }
  return seen >= count ? end : -1;
}

/** Aligned room to view a page's plain values as a typed array. */
let scratch = new ArrayBuffer(1 << 16);

/**
 * Converts `count` plain values of `type` at `raw[at..]` into `out` from `filled`. False
 * when the page is shorter than that (corrupt), so the general path reports it.
 */
function copyPlain(
  raw: Uint8Array,
  at: number,
  count: number,
  type: string,
  conversion: Conversion,
  out: Float64Array,
  filled: number,
): boolean {
  const width = type === 'INT32' || type === 'FLOAT' ? 4 : 8;
  const bytes = count * width;
  if (at + bytes > raw.length) return false;
  if (type === 'DOUBLE' && conversion === Conversion.NUMBER) {
    new Uint8Array(out.buffer, out.byteOffset + filled * 8, bytes).set(raw.subarray(at, at + bytes));
    return true;
  }
  if (scratch.byteLength < bytes) scratch = new ArrayBuffer(bytes);
  new Uint8Array(scratch, 0, bytes).set(raw.subarray(at, at + bytes));
  if (type === 'INT64') {
    const halves = new Int32Array(scratch, 0, count * 2);
    for (let i = 0; i < count; i++) {
      const hi = halves[2 * i + 1] as number;
      // Below 2^53 in magnitude, hi·2^32 + lo is the integer exactly, as Number(bigint) gives it.
      const exact = hi < 0x200000 && hi >= -0x200000 && conversion !== Conversion.NANOS;
      const value = exact
        ? hi * 4294967296 + ((halves[2 * i] as number) >>> 0)
        : (new BigInt64Array(scratch, i * 8, 1)[0] as bigint);
      out[filled + i] = convertOne(value, conversion);
    }
    return true;
  }
  const values =
    type === 'INT32'
      ? new Int32Array(scratch, 0, count)
      : type === 'FLOAT'
        ? new Float32Array(scratch, 0, count)
        : new Float64Array(scratch, 0, count);
  writeValues(values, conversion, out, filled);
  return true;
}

/**
 * Decodes one row group's column into a new Float64Array of its rows, straight from the
 * pages: no per-value objects, no nested-list assembly. Returns null when a value is
 * missing (null) or not finite, so the caller reads the group through the general path,
 * which words those errors.
 */
function readColumnChunk(bytes: Uint8Array, rows: number, plan: TypedColumnPlan): Float64Array | null {
  const out = new Float64Array(rows);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const { decoder, conversion } = plan;
  let dictionary: Float64Array | null = null;
  let filled = 0;
  while (filled < rows && reader.offset < bytes.byteLength) {
    const header = parquetHeader(reader);
    const start = reader.offset;
    const compressed = bytes.subarray(start, start + header.compressed_page_size);
    reader.offset = start + header.compressed_page_size;
    let page: { nulls: boolean; dataPage: DecodedArray; encoding: string; count: number };
    if (header.type === 'DICTIONARY_PAGE' && header.dictionary_page_header !== undefined) {
      const raw = decompressPage(compressed, header.uncompressed_page_size, decoder.codec, decoder.compressors);
      const view = { view: new DataView(raw.buffer, raw.byteOffset, raw.byteLength), offset: 0 };
      const values = readPlain(view, decoder.type, header.dictionary_page_header.num_values, undefined);
      dictionary = new Float64Array(values.length);
      writeValues(values, conversion, dictionary, 0);
      continue;
    } else if (header.type === 'DATA_PAGE' && header.data_page_header !== undefined) {
      const raw = decompressPage(compressed, header.uncompressed_page_size, decoder.codec, decoder.compressors);
      const daph = header.data_page_header;
      if (daph.encoding === 'PLAIN' && daph.num_values <= rows - filled) {
        const at = plainValuesAt(raw, daph.num_values, decoder.element.repetition_type === 'REQUIRED');
        if (at >= 0 && copyPlain(raw, at, daph.num_values, decoder.type, conversion, out, filled)) {
          filled += daph.num_values;
          continue;
        }
      }
      const { definitionLevels, dataPage } = readDataPage(raw, header.data_page_header, decoder);
      // Version 1 keeps the definition levels only when some value is null.
      const nulls = definitionLevels !== undefined && definitionLevels.length > 0;
      page = { nulls, dataPage, encoding: header.data_page_header.encoding, count: header.data_page_header.num_values };
    } else if (header.type === 'DATA_PAGE_V2' && header.data_page_header_v2 !== undefined) {
      const { dataPage } = readDataPageV2(compressed, header, decoder);
      const v2 = header.data_page_header_v2;
      page = { nulls: v2.num_nulls > 0, dataPage, encoding: v2.encoding, count: v2.num_values };
    } else {
      continue; // index pages and the like carry no values
    }
    // A null (a definition level below the maximum) has no value: the general path words it.
    if (page.nulls) return null;
    if (page.count > rows - filled) return null;
    if (page.encoding.endsWith('_DICTIONARY')) {
      if (dictionary === null) return null;
      const indices = page.dataPage;
      for (let i = 0; i < indices.length; i++) out[filled + i] = dictionary[indices[i] as number] ?? NaN;
    } else {
      writeValues(page.dataPage, conversion, out, filled);
    }
    filled += page.count;
  }
  if (filled !== rows) return null;
  for (let i = 0; i < rows; i++) if (!Number.isFinite(out[i])) return null;
  return out;
}

/**
 * The columns of `plans` for every row of `group`, as Float64Arrays in plan order, or null
 * when a value is missing or not finite anywhere in them (see {@link readColumnChunk}).
 * Each column chunk is one read of the file.
 */
export async function readTypedGroup(
  file: AsyncBuffer,
  group: RowGroup,
  plans: readonly TypedColumnPlan[],
): Promise<Float64Array[] | null> {
  const rows = Number(group.num_rows);
  const columns: Float64Array[] = [];
  for (const plan of plans) {
    const meta = group.columns[plan.chunkIndex]?.meta_data;
    if (meta === undefined) return null;
    // Some writers leave a zero dictionary offset when there is no dictionary.
    const dict = meta.dictionary_page_offset;
    const start = Number(
      dict !== undefined && dict > 0n && dict < meta.data_page_offset ? dict : meta.data_page_offset,
    );
    const end = start + Number(meta.total_compressed_size);
    const bytes = new Uint8Array(await file.slice(start, end));
    const column = readColumnChunk(bytes, rows, plan);
    if (column === null) return null;
    columns.push(column);
  }
  return columns;
}
