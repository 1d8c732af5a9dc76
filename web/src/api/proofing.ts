import { apiGet, apiPost, apiPut, apiRequestWithHeaders } from './client';

/** Proofing on a delivery: the client's named selection, and the photographer's view of every selection. */

export interface ProofingSettings {
  enabled: boolean;
  favouriteLimit: number | null;
}

export interface ClientProofingList {
  id: string;
  name: string;
  status: 'open' | 'submitted';
  submittedAt: string | null;
  favourites: string[];
  comments: Array<{ fileId: string; comment: string }>;
}

export interface ProofingSelection {
  id: string;
  name: string;
  status: 'open' | 'submitted';
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  favouriteCount: number;
  items: Array<{ fileId: string; name: string; favourite: boolean; comment: string | null }>;
  filter: string;
  csv: string;
}

const LIST_HEADER = 'x-proofing-list';
const clientPath = (token: string) => `/api/d/${encodeURIComponent(token)}/proofing`;
const storageKey = (token: string) => `shutterlock.proofing.${token.slice(0, 16)}`;

/** The list token this browser keeps for a delivery (localStorage: it must survive closing the tab). */
export function storedListToken(token: string): string | null {
  try {
    return window.localStorage.getItem(storageKey(token));
  } catch {
    return null;
  }
}

export function storeListToken(token: string, listToken: string | null): void {
  try {
    if (listToken === null) window.localStorage.removeItem(storageKey(token));
    else window.localStorage.setItem(storageKey(token), listToken);
  } catch {
    // Private mode: the list lives as long as the page.
  }
}

export function getProofing(token: string, listToken: string | null): Promise<{ proofing: ProofingSettings; list: ClientProofingList | null }> {
  return apiRequestWithHeaders('GET', clientPath(token), undefined, listToken ? { [LIST_HEADER]: listToken } : {});
}

export function createProofingList(token: string, name: string): Promise<{ list: ClientProofingList; listToken: string }> {
  return apiPost(`${clientPath(token)}/lists`, { name });
}

export function setFavourite(token: string, listToken: string, fileId: string, favourite: boolean, comment?: string | null): Promise<{ list: ClientProofingList }> {
  return apiRequestWithHeaders('PUT', `${clientPath(token)}/favourites/${encodeURIComponent(fileId)}`, { favourite, comment }, { [LIST_HEADER]: listToken });
}

export function submitProofingSelection(token: string, listToken: string): Promise<{ list: ClientProofingList }> {
  return apiRequestWithHeaders('POST', `${clientPath(token)}/submit`, {}, { [LIST_HEADER]: listToken });
}

// ---------------------------------------------------------------- the photographer's side

const deliveryPath = (id: string) => `/api/deliveries/${encodeURIComponent(id)}/proofing`;

export function setDeliveryProofing(deliveryId: string, enabled: boolean, favouriteLimit: number | null): Promise<{ proofing: ProofingSettings }> {
  return apiPut(deliveryPath(deliveryId), { enabled, favouriteLimit });
}

export function listProofingSelections(deliveryId: string): Promise<{ proofing: ProofingSettings; lists: ProofingSelection[] }> {
  return apiGet(`${deliveryPath(deliveryId)}/selections`);
}

export function reopenProofingSelection(deliveryId: string, listId: string): Promise<{ list: ProofingSelection }> {
  return apiPost(`${deliveryPath(deliveryId)}/selections/${encodeURIComponent(listId)}/reopen`, {});
}

export function createAlbumFromSelection(deliveryId: string, listId: string): Promise<{ album: { id: string; name: string; fileCount: number } }> {
  return apiPost(`${deliveryPath(deliveryId)}/selections/${encodeURIComponent(listId)}/album`, {});
}
