/**
 * The models Tern offers to download: resources/catalog.json, the one place to update. An entry
 * names its repo and file and says what the model is; its size and sha256 come from the hub at
 * download time, never from here. Only families the engine runs are listed.
 */
import { z } from 'zod';
import catalogJson from '../../../resources/catalog.json';
import { type Catalog, CatalogEntry } from '../../common/contract';

export const CatalogFile = z
  .object({
    entries: z
      .array(
        CatalogEntry.extend({
          repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'repo is owner/name'),
          file: z.string().regex(/^[^/].*\.gguf$/, 'file is a .gguf path in the repo'),
          description: z.string().min(10).max(200),
        }).strict(),
      )
      .min(1),
  })
  .strict()
  .refine((catalog) => catalog.entries.filter((entry) => entry.recommended).length === 1, 'exactly one entry is recommended');

let loaded: Catalog | undefined;

export function catalog(): Catalog {
  loaded ??= CatalogFile.parse(catalogJson);
  return loaded;
}
