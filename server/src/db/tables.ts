/**
 * Row types of every table, one interface per table. Times are epoch milliseconds (BIGINT);
 * ids are random text. Each capability's repository is the only code that queries its tables.
 */

export interface StudiosTable {
  id: string;
  name: string;
  created_at: number;
}

/** A studio's data key, stored only wrapped by a master key version (crypto/data-keys.ts). */
export interface StudioKeysTable {
  studio_id: string;
  key_version: string;
  wrapped_key: string;
  created_at: number;
  rewrapped_at: number | null;
}


export interface Tables {
  studios: StudiosTable;
  studio_keys: StudioKeysTable;
}
