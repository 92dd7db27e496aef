/**
 * What the views talk to: the `Api`, plus how to show an image and, in Electron, the desktop
 * shell's folder picker and dropped-file paths.
 */
import type { Api, DesktopShell } from '../../../shared/contract/api';
import type { MessageRef } from '../../../shared/i18n/catalogue';

export type { DesktopShell };

export type ImageVariant = 'thumb' | 'preview';

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
    /** The core's message by reference (shared/i18n/error-words.ts), shown in the app's language. */
    readonly ref: MessageRef | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
