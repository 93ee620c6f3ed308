/** A size as people read it: "none", KB under a megabyte, MB under a gigabyte, GB beyond. */
export function byteSize(bytes: number): string {
  if (bytes <= 0) return "none";
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GB`;
}
