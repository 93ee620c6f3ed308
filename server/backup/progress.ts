/** Where a backup, a verify or a restore stands: the CLI draws it, the API reports it to the web client. */
export interface BackupProgress {
  /** What is being done, in words a person reads ("copying the database"). */
  step: string;
  done: number;
  total: number;
}

export type ProgressListener = (progress: BackupProgress) => void;

export const ignoreProgress: ProgressListener = () => {};
