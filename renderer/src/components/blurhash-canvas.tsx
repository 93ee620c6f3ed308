import { decode } from "blurhash";
import { useEffect, useRef } from "react";

/** A blurred stand-in drawn from the media's blurhash: shown until the image loads, or in place of a sensitive one. */
export function BlurhashCanvas({ hash }: { hash: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext("2d");
    if (!element || !context) return;
    try {
      const pixels = decode(hash, 32, 32);
      const image = context.createImageData(32, 32);
      image.data.set(pixels);
      context.putImageData(image, 0, 0);
    } catch {
      // A malformed hash leaves the plain background.
    }
  }, [hash]);
  return <canvas ref={canvas} className="blurhash" width={32} height={32} aria-hidden="true" />;
}
