// A gzip member built from pieces compressed apart: raw deflate blocks that end byte-aligned and not final (a sync
// flush) can follow one another, so the parts of a page that do not change are compressed once, not on every view.
// RFC 1952 (gzip), RFC 1951 (deflate).
import zlib from 'node:zlib';

const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** An empty final block with fixed codes: BFINAL=1, BTYPE=01, end-of-block. */
const LAST_BLOCK = Buffer.from([0x03, 0x00]);

/** `plain` as deflate blocks another piece can follow. */
export const deflateRaw = (plain: Buffer, level: number): Buffer =>
  zlib.deflateRawSync(plain, { level, finishFlush: zlib.constants.Z_SYNC_FLUSH });

/** The gzip answer, in pieces to send in turn, for the page that is `plain`, deflated as `deflated`. */
export function gzipMember(deflated: Buffer[], plain: Buffer[]): Buffer[] {
  let crc = 0;
  let size = 0;
  for (const piece of plain) {
    crc = zlib.crc32(piece, crc);
    size += piece.length;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  return [HEADER, ...deflated, LAST_BLOCK, trailer];
}
