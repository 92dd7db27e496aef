/**
 * Dataset images by id: thumbnails and previews made with sharp, cached on disk.
 *
 * Both the HTTP server and the Electron image protocol serve through this; neither ever takes
 * a path from the renderer.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

/** Where the core keeps an image: the absolute file of an accepted image (null or a throw for an unknown id). */
export interface ImageFiles {
  imageFile(imageId: number): string | null | Promise<string | null>;
}

export type ImageVariant = 'thumb' | 'preview';

/** Longest side of each variant, in pixels. */
const SIDE: Record<ImageVariant, number> = { thumb: 160, preview: 768 };

export interface ImageBytes {
  readonly body: Buffer;
  readonly contentType: string;
}

/** Why an image could not be served; `status` is the HTTP status that says so. */
export class ImageError extends Error {
  constructor(
    readonly status: 400 | 404 | 500,
    message: string,
  ) {
    super(message);
    this.name = 'ImageError';
  }
}

/** Parses an image id from URL text: a positive decimal integer and nothing else. */
export function parseImageId(text: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** Serves dataset images by id, with a disk cache keyed by the file's identity. */
export class ImageService {
  private readonly inFlight = new Map<string, Promise<ImageBytes>>();
  private readonly memory = new Map<string, ImageBytes>();
  private readonly memoryLimit = 256;

  constructor(
    private readonly files: ImageFiles,
    private readonly cacheDir: string = path.join(os.tmpdir(), 'bloombench-images'),
  ) {}

  /** The encoded image for `imageId`; throws an `ImageError` for unknown ids or unreadable files. */
  async read(imageId: number, variant: ImageVariant): Promise<ImageBytes> {
    if (!Number.isSafeInteger(imageId) || imageId <= 0) throw new ImageError(400, `image id ${imageId} is not a positive integer`);
    let file: string | null;
    try {
      file = await this.files.imageFile(imageId);
    } catch {
      file = null;
    }
    if (!file) throw new ImageError(404, `no image with id ${imageId}`);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch {
      throw new ImageError(404, `image ${imageId} is no longer on disk (was its folder moved?)`);
    }
    const key = crypto.createHash('sha1').update(`${file}\0${stat.size}\0${stat.mtimeMs}\0${variant}`).digest('hex');
    const cached = this.memory.get(key);
    if (cached) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.render(file, key, variant).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const bytes = await pending;
    this.memory.set(key, bytes);
    if (this.memory.size > this.memoryLimit) this.memory.delete(this.memory.keys().next().value as string);
    return bytes;
  }

  private async render(file: string, key: string, variant: ImageVariant): Promise<ImageBytes> {
    const cacheFile = path.join(this.cacheDir, key.slice(0, 2), `${key}.webp`);
    try {
      return { body: await fs.promises.readFile(cacheFile), contentType: 'image/webp' };
    } catch {
      // Not cached yet.
    }
    let body: Buffer;
    try {
      const side = SIDE[variant];
      body = await sharp(file, { failOn: 'none', limitInputPixels: 268_402_689 })
        .rotate()
        .resize(side, side, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: variant === 'thumb' ? 75 : 85 })
        .toBuffer();
    } catch (e) {
      throw new ImageError(404, `image could not be decoded: ${(e as Error).message}`);
    }
    try {
      await fs.promises.mkdir(path.dirname(cacheFile), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      await fs.promises.writeFile(tmp, body);
      await fs.promises.rename(tmp, cacheFile);
    } catch {
      // A cache that cannot be written only costs time.
    }
    return { body, contentType: 'image/webp' };
  }
}
