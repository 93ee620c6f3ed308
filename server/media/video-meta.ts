/**
 * Width, height and duration of an MP4 / QuickTime / M4A file, read from its boxes (ISO/IEC 14496-12): apps size
 * their players from meta.original before the video loads, and without ffmpeg this is what we can know. Other
 * containers (WebM, Ogg, MP3) answer undefined and their meta stays empty, which clients accept.
 */

export interface VideoMeta {
  width?: number;
  height?: number;
  size?: string;
  aspect?: number;
  /** Seconds. */
  duration?: number;
  /** Bits per second over the whole file. */
  bitrate?: number;
}

interface Box {
  type: string;
  /** Where the box's content starts and ends. */
  start: number;
  end: number;
}

function* boxes(view: DataView, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset + 8 <= end) {
    let size = view.getUint32(offset);
    const type = String.fromCharCode(view.getUint8(offset + 4), view.getUint8(offset + 5), view.getUint8(offset + 6), view.getUint8(offset + 7));
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) return;
      size = Number(view.getBigUint64(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header || offset + size > end) return;
    yield { type, start: offset + header, end: offset + size };
    offset += size;
  }
}

function find(view: DataView, parent: { start: number; end: number }, type: string): Box | undefined {
  for (const box of boxes(view, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

interface TrackHeader {
  width: number;
  height: number;
}

function readTrackHeader(view: DataView, box: Box): TrackHeader | undefined {
  const version = view.getUint8(box.start);
  // Version and flags, two times, track id, reserved, duration (times and duration are 64-bit in version 1),
  // then 8 reserved bytes, layer, alternate group, volume and 2 reserved bytes before the matrix.
  const matrix = box.start + (version === 1 ? 36 : 24) + 16;
  if (matrix + 44 > box.end) return undefined;
  const width = Math.round(view.getUint32(matrix + 36) / 65536);
  const height = Math.round(view.getUint32(matrix + 40) / 65536);
  // Phones record portrait video as landscape with a quarter-turn in the matrix (a and d zero).
  const isQuarterTurn = view.getInt32(matrix) === 0 && view.getInt32(matrix + 16) === 0;
  return isQuarterTurn ? { width: height, height: width } : { width, height };
}

function handlerOf(view: DataView, trak: Box): string | undefined {
  const mdia = find(view, trak, "mdia");
  const hdlr = mdia && find(view, mdia, "hdlr");
  if (!hdlr || hdlr.start + 12 > hdlr.end) return undefined;
  return String.fromCharCode(...new Uint8Array(view.buffer, view.byteOffset + hdlr.start + 8, 4));
}

function readDuration(view: DataView, mvhd: Box): number | undefined {
  const version = view.getUint8(mvhd.start);
  const at = mvhd.start + 4 + (version === 1 ? 16 : 8);
  if (at + (version === 1 ? 12 : 8) > mvhd.end) return undefined;
  const timescale = view.getUint32(at);
  const duration = version === 1 ? Number(view.getBigUint64(at + 4)) : view.getUint32(at + 4);
  return timescale > 0 ? duration / timescale : undefined;
}

export function readVideoMeta(bytes: Uint8Array): VideoMeta | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const moov = find(view, { start: 0, end: bytes.byteLength }, "moov");
    if (!moov) return undefined;
    const meta: VideoMeta = {};
    const mvhd = find(view, moov, "mvhd");
    const duration = mvhd && readDuration(view, mvhd);
    if (duration !== undefined && Number.isFinite(duration) && duration > 0) {
      meta.duration = Math.round(duration * 1000) / 1000;
      meta.bitrate = Math.round((bytes.byteLength * 8) / duration);
    }
    for (const trak of boxes(view, moov.start, moov.end)) {
      if (trak.type !== "trak" || handlerOf(view, trak) !== "vide") continue;
      const tkhd = find(view, trak, "tkhd");
      const track = tkhd && readTrackHeader(view, tkhd);
      if (track && track.width > 0 && track.height > 0) {
        Object.assign(meta, { width: track.width, height: track.height, size: `${track.width}x${track.height}`, aspect: track.width / track.height });
        break;
      }
    }
    return Object.keys(meta).length > 0 ? meta : undefined;
  } catch {
    // A RangeError from a lying box size: the file is stored all the same, only without meta.
    return undefined;
  }
}
