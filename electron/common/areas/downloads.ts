/**
 * Downloads: model files fetched from the Hugging Face hub (or a direct URL) into the models
 * folder, resumed from the bytes on disk and verified before the library offers them.
 */
import { z } from 'zod';
import { Empty, Id, call } from '../schema';

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lowercase hex digits');

export const DownloadSource = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('hub'),
    /** owner/name */
    repo: z.string(),
    /** The branch, tag or commit asked for (main by default). */
    revision: z.string(),
    /** The file's path in the repo. */
    file: z.string(),
  }),
  z.object({ kind: z.literal('url'), url: z.string() }),
]);
export type DownloadSource = z.infer<typeof DownloadSource>;

/**
 * queued: waiting for a free slot; downloading; paused (by the user, or for a full disk: see
 * error); verifying: checking the sha256 and inspecting the file; done: offered as a model;
 * failed: see error (Resume tries again; a refused file is set aside).
 */
export const DownloadState = z.enum(['queued', 'downloading', 'paused', 'verifying', 'done', 'failed']);
export type DownloadState = z.infer<typeof DownloadState>;

export const Download = z.object({
  id: Id,
  source: DownloadSource,
  /** The file's name in the models folder. */
  fileName: z.string(),
  state: DownloadState,
  /** Bytes on disk so far. */
  receivedBytes: z.number().nonnegative(),
  /** The file's size, once the server has said. */
  totalBytes: z.number().nonnegative().nullable(),
  /** Over the last few seconds, while downloading. */
  bytesPerSecond: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** The sha256 the file must have (the hub's, or the user's); null: none known. */
  expectedSha256: Sha256.nullable(),
  /** Once done: true when the sha256 was checked, false for an unverified direct download. */
  verified: z.boolean().nullable(),
  /** What went wrong or why it waits, in words. */
  error: z.string().nullable(),
  /** The model the file became, once done. */
  modelId: Id.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Download = z.infer<typeof Download>;

export const DownloadList = z.object({
  downloads: z.array(Download),
  /** How many run at once (a setting). */
  parallel: z.number().int().positive(),
});
export type DownloadList = z.infer<typeof DownloadList>;

export const AddDownload = z
  .object({
    /** owner/repo/path/file.gguf, owner/repo (with file), or an http(s) URL. */
    source: z.string().trim().min(1).max(4096),
    /** The file in the repo, when source is owner/repo. */
    file: z.string().min(1).max(1024).optional(),
    /** Branch, tag or commit (default main). */
    revision: z.string().min(1).max(256).optional(),
    /** The sha256 a direct URL's file must have (lowercase or uppercase hex). */
    sha256: z.string().trim().regex(/^[0-9a-fA-F]{64}$/, 'a sha256 is 64 hex digits').optional(),
    /** Download even though the fit check says the model is too large for this machine. */
    override: z.boolean().optional(),
  })
  .strict();
export type AddDownload = z.infer<typeof AddDownload>;

export const RepoFile = z.object({
  path: z.string(),
  sizeBytes: z.number().nonnegative(),
  /** The LFS sha256; null for a file kept in git itself. */
  sha256: Sha256.nullable(),
});
export type RepoFile = z.infer<typeof RepoFile>;

export const RepoFiles = z.object({ repo: z.string(), revision: z.string(), files: z.array(RepoFile) });
export type RepoFiles = z.infer<typeof RepoFiles>;

export const HubInfo = z.object({
  /** The hub's base URL in use. */
  endpoint: z.string(),
  /** Where it comes from: the HF_ENDPOINT variable, the setting, or the default. */
  endpointFrom: z.enum(['env', 'setting', 'default']),
  /** Where the token for gated repos comes from; null: none. */
  token: z.enum(['env', 'saved']).nullable(),
  /** Whether a token can be saved here (the desktop app keeps it encrypted by the system). */
  canSaveToken: z.boolean(),
});
export type HubInfo = z.infer<typeof HubInfo>;

const ById = z.object({ id: Id }).strict();

export const downloadCalls = {
  listDownloads: call(Empty, DownloadList),
  /** Queues a download; the same file asked for again answers with the download already there. */
  addDownload: call(AddDownload, Download),
  /** The files of a hub repo (to choose one). */
  listRepoFiles: call(z.object({ repo: z.string().min(3).max(200), revision: z.string().min(1).max(256).optional() }).strict(), RepoFiles),
  pauseDownload: call(ById, Download),
  /** Resumes a paused or failed download from the bytes on disk. */
  resumeDownload: call(ById, Download),
  /** Stops a download and deletes its partial file. */
  cancelDownload: call(ById, ById),
  /** Takes a finished, failed or cancelled download off the list (the model stays). */
  removeDownload: call(ById, ById),
  getHubInfo: call(Empty, HubInfo),
  /** Saves (or with null, forgets) the token for gated repos; desktop app only. */
  setHubToken: call(z.object({ token: z.string().trim().min(1).max(512).nullable() }).strict(), HubInfo),
} as const;

export const downloadEvents = {
  /** The whole list, on every change; progress at most a few times a second. */
  downloadsChanged: DownloadList,
} as const;
