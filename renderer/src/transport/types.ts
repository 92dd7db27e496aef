/**
 * What the views talk to: the `Api`, plus how to show an image and, in Electron, the desktop
 * shell's folder picker and dropped-file paths.
 */
import type { Api } from '@shared/api';

export type ImageVariant = 'thumb' | 'preview';

/**
 * Desktop-only helpers the Electron preload exposes beside the verbs.
 *
 * Keep in step with `DesktopShell` in main/electron/preload.ts.
 */
export interface DesktopShell {
  /** Opens the native folder dialog; null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** The file-system path of a dropped file or folder (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
}

export interface Transport {
  readonly kind: 'electron' | 'browser';
  readonly api: Api;
  /** A URL for an image by id (never a path). */
  imageUrl(imageId: number, variant: ImageVariant): string;
  readonly desktop: DesktopShell | null;
}

/** An error the core or the transport reported, with the HTTP status when there was one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
